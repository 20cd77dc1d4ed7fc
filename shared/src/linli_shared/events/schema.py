"""JSON Schema of every registered event type, so other teams subscribe without reading our code."""
from __future__ import annotations

import json
from pathlib import Path

from linli_shared.events.envelope import CloudEvent, event_types

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def event_parts(event_type: str) -> tuple[dict, dict]:
    """The CloudEvent schema with `type` and `data` filled in, and the definitions its `#/$defs/...` refs name.

    pydantic puts a model's nested models under `$defs` beside the refs to them; the caller decides where
    they live (the schema's root for a standalone file, `components/schemas` in AsyncAPI).
    """
    data = event_types()[event_type].model_json_schema()
    definitions = data.pop("$defs", {})
    envelope = CloudEvent.model_json_schema()
    envelope["title"] = event_type
    envelope["properties"]["type"] = {"const": event_type, "type": "string"}
    envelope["properties"]["data"] = data
    return envelope, definitions


def event_schema(event_type: str) -> dict:
    """A self-contained schema: every `#/$defs/...` ref resolves inside the one file."""
    envelope, definitions = event_parts(event_type)
    return {"$schema": JSON_SCHEMA_DIALECT, **envelope, **({"$defs": definitions} if definitions else {})}


def write_schemas(service: str, directory: Path) -> list[Path]:
    """Write `<type>.schema.json` for each of `service`'s event types; returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for event_type in sorted(t for t in event_types() if t.startswith(f"linli.{service}.")):
        path = directory / f"{event_type}.schema.json"
        path.write_text(json.dumps(event_schema(event_type), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written
