"""Export the committed event catalogue: JSON Schemas (docs/events/<service>/) and AsyncAPI (docs/asyncapi.json).

The AsyncAPI document is AsyncAPI 3.0.0; tests/test_asyncapi_contract.py checks it against the official
JSON Schema (vendor/asyncapi-3.0.0.json) and every event type's standalone schema against a real event.
"""
from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

from linli_devtools.paths import REPO_ROOT
from linli_shared.bus import service_stream
from linli_shared.events.envelope import event_types
from linli_shared.events.schema import event_parts, write_schemas

EVENT_MODULES = {"registry": "linli_registry.events", "visits": "linli_visits.events",
                 "employment": "linli_employment.events", "notify": "linli_notify.events",
                 "reports": "linli_reports.events"}
PUBLIC_NATS = "nats.district.example:4222"  # a placeholder: each district names its own host
_SECURITY = {"natsUser": {
    "type": "userPassword",
    "description": "a NATS user and password per subscribing system, issued by the district's operators; "
                   "its permissions allow subscribing to linli.> and its own JetStream consumers"}}


def export_all(docs: Path = REPO_ROOT / "docs") -> list[Path]:
    written = []
    for service, module in EVENT_MODULES.items():
        importlib.import_module(module)
        written += write_schemas(service, docs / "events" / service)
    asyncapi = docs / "asyncapi.json"
    asyncapi.write_text(json.dumps(asyncapi_document(list(EVENT_MODULES)), indent=2, ensure_ascii=False) + "\n",
                        encoding="utf-8")
    return [*written, asyncapi]


def asyncapi_document(services: list[str]) -> dict:
    """An AsyncAPI 3 document for the services' event types: one channel per type, the community last."""
    channels, operations, messages, schemas = {}, {}, {}, {}
    for event_type in sorted(t for t in event_types() if t.split(".")[1] in services):
        name = "".join(part.title() for part in event_type.split(".")[1:-1]).replace("_", "")
        messages[name] = _message(event_type, schemas)
        channels[event_type] = _channel(event_type, name)
        operations[f"publish{name}"] = {
            "action": "send", "channel": {"$ref": f"#/channels/{event_type}"},
            "messages": [{"$ref": f"#/channels/{event_type}/messages/{name}"}],
        }
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "Linli events", "version": "1.0.0", "description": _description(services)},
        "defaultContentType": "application/json",
        "servers": {"production": {
            "host": PUBLIC_NATS, "protocol": "nats",
            "description": f"Replace {PUBLIC_NATS} with your district's published NATS address. The port "
                           "speaks TLS only (connect with tls:// and the district's CA); JetStream holds the "
                           "streams. Sign in with the user and password the operators issued to your system.",
            "security": [{"$ref": "#/components/securitySchemes/natsUser"}]}},
        "channels": channels, "operations": operations,
        "components": {"schemas": dict(sorted(schemas.items())), "messages": messages, "securitySchemes": _SECURITY},
    }


def _description(services: list[str]) -> str:
    streams = ", ".join(f"{service_stream(s).name} ← linli.{s}.>" for s in services)
    return ("CloudEvents 1.0 (JSON structured mode) on NATS JetStream, one stream per producing service "
            f"({streams}). No national ID number is ever published. Subscribe with a durable pull consumer; "
            "filter by type and community.")


def _message(event_type: str, schemas: dict[str, Any]) -> dict:
    envelope, definitions = event_parts(event_type)
    for key, definition in definitions.items():
        definition = _to_components(definition)
        if schemas.setdefault(key, definition) != definition:
            raise ValueError(f"two event models define {key!r} differently; rename one of them")
    model = event_types()[event_type]
    return {
        "name": event_type, "title": event_type, "summary": (model.__doc__ or "").strip().split("\n")[0],
        "contentType": "application/json",
        "headers": {"type": "object", "properties": {"Nats-Msg-Id": {
            "type": "string", "description": "the CloudEvent id; JetStream de-duplicates on it"}}},
        "payload": _to_components(envelope),
    }


def _channel(event_type: str, name: str) -> dict:
    stream = service_stream(event_type.split(".")[1]).name
    return {
        "address": event_type + ".{community}",
        "description": f"kept in the JetStream stream {stream}",
        "parameters": {"community": {"description": "the org code the fact belongs to "
                                                    "(12 digits for a community)"}},
        "messages": {name: {"$ref": f"#/components/messages/{name}"}},
    }


def _to_components(schema: Any) -> Any:
    """pydantic's `#/$defs/X` refs, pointed at the document's shared `#/components/schemas/X`."""
    if isinstance(schema, dict):
        return {key: ("#/components/schemas/" + value.removeprefix("#/$defs/")
                      if key == "$ref" and isinstance(value, str) else _to_components(value))
                for key, value in schema.items()}
    if isinstance(schema, list):
        return [_to_components(item) for item in schema]
    return schema
