"""JSON Schema of every registered event type, so other teams subscribe without reading our code."""
from __future__ import annotations

import json
from pathlib import Path

from linli_shared.events.envelope import CloudEvent, event_types


def event_schema(event_type: str) -> dict:
    model = event_types()[event_type]
    envelope = CloudEvent.model_json_schema()
    envelope["title"] = event_type
    envelope["properties"]["type"] = {"const": event_type, "type": "string"}
    envelope["properties"]["data"] = model.model_json_schema()
    return envelope


def write_schemas(service: str, directory: Path) -> list[Path]:
    """Write `<type>.schema.json` for each of `service`'s event types; returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for event_type in sorted(t for t in event_types() if t.startswith(f"linli.{service}.")):
        path = directory / f"{event_type}.schema.json"
        path.write_text(json.dumps(event_schema(event_type), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written
