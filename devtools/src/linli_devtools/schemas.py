"""Export the committed JSON Schemas of every installed service's event types (docs/events/<service>/)."""
from __future__ import annotations

import importlib
from pathlib import Path

from linli_shared.events.schema import write_schemas

EVENT_MODULES = {"registry": "linli_registry.events", "visits": "linli_visits.events",
                 "employment": "linli_employment.events"}
REPO_ROOT = Path(__file__).resolve().parents[3]


def export_all(root: Path = REPO_ROOT / "docs" / "events") -> list[Path]:
    written = []
    for service, module in EVENT_MODULES.items():
        importlib.import_module(module)
        written += write_schemas(service, root / service)
    return written
