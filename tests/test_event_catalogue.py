"""The committed event catalogue (docs/events/*, docs/asyncapi.json) matches the event models.

Run `make schemas` to refresh it after changing an event.
"""
from __future__ import annotations

import json
from pathlib import Path

from linli_devtools.paths import REPO_ROOT
from linli_devtools.schemas import export_all

COMMITTED = REPO_ROOT / "docs"


def test_committed_event_schemas_are_current(tmp_path: Path):
    fresh = {p.relative_to(tmp_path): p.read_text(encoding="utf-8") for p in export_all(tmp_path)}
    committed = {p.relative_to(COMMITTED): p.read_text(encoding="utf-8")
                 for p in [*COMMITTED.rglob("*.schema.json"), COMMITTED / "asyncapi.json"] if p.exists()}
    assert sorted(fresh) == sorted(committed), "event types added or removed: run `make schemas` and commit"
    stale = [str(path) for path, text in fresh.items() if committed[path] != text]
    assert not stale, f"stale schemas (run `make schemas`): {stale}"
    assert len(fresh) >= 9


def test_asyncapi_lists_every_event_type_once_with_its_channel(tmp_path: Path):
    export_all(tmp_path)
    document = json.loads((tmp_path / "asyncapi.json").read_text(encoding="utf-8"))
    schemas = sorted(p.name.removesuffix(".schema.json") for p in (tmp_path / "events").rglob("*.schema.json"))
    assert document["asyncapi"] == "3.0.0"
    assert sorted(document["channels"]) == schemas
    assert all(c["address"] == f"{t}.{{community}}" for t, c in document["channels"].items())
    assert len(document["operations"]) == len(schemas) == len(document["components"]["messages"])
