"""The committed JSON Schemas under docs/events/ match the event models (run `make schemas` to refresh)."""
from __future__ import annotations

from pathlib import Path

from linli_devtools.schemas import REPO_ROOT, export_all

COMMITTED = REPO_ROOT / "docs" / "events"


def test_committed_event_schemas_are_current(tmp_path: Path):
    fresh = {p.relative_to(tmp_path): p.read_text(encoding="utf-8") for p in export_all(tmp_path)}
    committed = {p.relative_to(COMMITTED): p.read_text(encoding="utf-8") for p in COMMITTED.rglob("*.schema.json")}
    assert sorted(fresh) == sorted(committed), "event types added or removed: run `make schemas` and commit"
    stale = [str(path) for path, text in fresh.items() if committed[path] != text]
    assert not stale, f"stale schemas (run `make schemas`): {stale}"
    assert len(fresh) >= 9
