"""Export the committed event catalogue: JSON Schemas (docs/events/<service>/) and AsyncAPI (docs/asyncapi.json)."""
from __future__ import annotations

import importlib
import json
from pathlib import Path

from linli_devtools.paths import REPO_ROOT
from linli_shared.events.schema import asyncapi_document, write_schemas

EVENT_MODULES = {"registry": "linli_registry.events", "visits": "linli_visits.events",
                 "employment": "linli_employment.events", "notify": "linli_notify.events",
                 "reports": "linli_reports.events"}


def export_all(docs: Path = REPO_ROOT / "docs") -> list[Path]:
    written = []
    for service, module in EVENT_MODULES.items():
        importlib.import_module(module)
        written += write_schemas(service, docs / "events" / service)
    asyncapi = docs / "asyncapi.json"
    asyncapi.write_text(json.dumps(asyncapi_document(list(EVENT_MODULES)), indent=2, ensure_ascii=False) + "\n",
                        encoding="utf-8")
    return [*written, asyncapi]
