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


def asyncapi_document(services: list[str]) -> dict:
    """An AsyncAPI 3 document for the services' event types: one channel per type, the community last."""
    channels, operations, messages = {}, {}, {}
    for event_type in sorted(t for t in event_types() if t.split(".")[1] in services):
        name = "".join(part.title() for part in event_type.split(".")[1:-1]).replace("_", "")
        model = event_types()[event_type]
        messages[name] = {
            "name": event_type, "title": event_type, "summary": (model.__doc__ or "").strip().split("\n")[0],
            "contentType": "application/json",
            "headers": {"type": "object", "properties": {"Nats-Msg-Id": {
                "type": "string", "description": "the CloudEvent id; JetStream de-duplicates on it"}}},
            "payload": {"schemaFormat": "application/schema+json;version=draft-2020-12",
                        "schema": event_schema(event_type)},
        }
        channels[event_type] = {
            "address": event_type + ".{community}",
            "parameters": {"community": {"description": "the org code the fact belongs to "
                                                        "(12 digits for a community)"}},
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
        }
        operations[f"publish{name}"] = {
            "action": "send", "channel": {"$ref": f"#/channels/{event_type}"},
            "messages": [{"$ref": f"#/channels/{event_type}/messages/{name}"}],
        }
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "Linli events", "version": "1.0.0",
                 "description": "CloudEvents 1.0 (JSON structured mode) on NATS JetStream, one stream per producing "
                                "service (REGISTRY, VISITS, EMPLOYMENT, NOTIFY). No national ID number is ever "
                                "published. Subscribe with a durable pull consumer; filter by type and community."},
        "defaultContentType": "application/json",
        "servers": {"production": {"host": "nats:4222", "protocol": "nats",
                                   "description": "JetStream; credentials per consumer"}},
        "channels": channels, "operations": operations, "components": {"messages": messages},
    }
