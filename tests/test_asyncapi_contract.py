"""docs/asyncapi.json is a valid AsyncAPI 3.0.0 document, and a real event of every type matches its schemas.

The AsyncAPI 3.0.0 JSON Schema is vendored (devtools/src/linli_devtools/vendor/); nothing here calls the network.
"""
from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator, Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from linli_devtools.paths import REPO_ROOT
from linli_devtools.schemas import EVENT_MODULES, PUBLIC_NATS
from linli_shared.bus import service_stream
from linli_shared.events import event_types, new_event

DOCS = REPO_ROOT / "docs"
ASYNCAPI_SCHEMA = REPO_ROOT / "devtools/src/linli_devtools/vendor/asyncapi-3.0.0.json"
STANDALONE = sorted(DOCS.glob("events/*/*.schema.json"))
DOCUMENT_URI = "urn:linli:asyncapi"


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def document() -> dict:
    """The committed file: what subscribers read (test_event_catalogue checks it is current)."""
    return _load(DOCS / "asyncapi.json")


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [ref for key, value in node.items()
                for ref in ([value] if key == "$ref" and isinstance(value, str) else _refs(value))]
    return [ref for item in node for ref in _refs(item)] if isinstance(node, list) else []


def _pointer(document: dict, ref: str) -> Any:
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def test_asyncapi_document_validates_against_the_official_asyncapi_3_schema(document: dict):
    validator = Draft7Validator(_load(ASYNCAPI_SCHEMA))
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in validator.iter_errors(document)]
    assert not errors, errors[:10]


def test_every_ref_in_the_asyncapi_document_resolves_inside_it(document: dict):
    refs = _refs(document)
    assert all(ref.startswith("#/") for ref in refs), [r for r in refs if not r.startswith("#/")]
    unresolved = []
    for ref in set(refs):
        try:
            _pointer(document, ref)
        except (KeyError, TypeError):
            unresolved.append(ref)
    assert not unresolved, unresolved
    assert any(r.startswith("#/components/schemas/") for r in refs), "nested models are shared components"


def test_asyncapi_names_every_stream_a_public_server_and_its_security(document: dict):
    for service in EVENT_MODULES:
        assert service_stream(service).name in document["info"]["description"]
        assert any(t.startswith(f"linli.{service}.") for t in document["channels"]), f"no channel of {service}"
    (server,) = document["servers"].values()
    assert server["host"] == PUBLIC_NATS and server["protocol"] == "nats" and "TLS" in server["description"]
    (security,) = server["security"]
    assert _pointer(document, security["$ref"])["type"] == "userPassword"


def _sample(schema: dict, definitions: dict) -> Any:
    """A value for every field, optional ones too, so nested models (the `$ref`s) are exercised."""
    if "$ref" in schema:
        return _sample(definitions[schema["$ref"].rsplit("/", 1)[1]], definitions)
    if "const" in schema or "enum" in schema:
        return schema.get("const", (schema.get("enum") or [None])[0])
    if "anyOf" in schema:
        return _sample(next(s for s in schema["anyOf"] if s.get("type") != "null"), definitions)
    kind = schema.get("type")
    if kind == "object":
        fields = schema.get("properties") or {"note": {"type": "string"}}
        return {name: _sample(field, definitions) for name, field in fields.items()}
    if kind == "array":
        return [_sample(schema.get("items", {"type": "string"}), definitions)]
    formats = {"date": date(2026, 5, 1).isoformat(), "date-time": datetime(2026, 5, 1, 8).isoformat() + "Z"}
    return {"integer": max(1, schema.get("minimum", 1)), "number": max(1.5, schema.get("minimum", 1.5)),
            "boolean": True}.get(kind, formats.get(schema.get("format"), "sample"))


def _real_event(event_type: str) -> dict:
    """Built the way the outbox builds it: the service's own EventData model, then new_event."""
    model = event_types()[event_type]
    model_schema = model.model_json_schema()
    data = model.model_validate(_sample(model_schema, model_schema.get("$defs", {})))
    event = new_event(data, service=event_type.split(".")[1], subject="sample-1", community="130303001001",
                      aggregate_version=1, traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
    return json.loads(event.model_dump_json())


def test_every_registered_event_type_has_a_committed_schema():
    for module in EVENT_MODULES.values():
        __import__(module)
    committed = {p.name.removesuffix(".schema.json") for p in STANDALONE}
    # Only our services' types: tests elsewhere in the same run declare event types of their own (linli.source.…).
    ours = {t for t in event_types() if t.split(".")[1] in EVENT_MODULES}
    assert committed == ours, "run `make schemas` and commit"


@pytest.mark.parametrize("path", STANDALONE, ids=lambda p: p.name.removesuffix(".schema.json"))
def test_a_real_event_validates_against_its_standalone_schema_and_its_asyncapi_message(path: Path, document: dict):
    for module in EVENT_MODULES.values():
        __import__(module)
    schema = _load(path)
    event = _real_event(schema["title"])
    Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(event)
    assert event["data"] and not any(value is None for value in event["data"].values()), "sample every field"
    (message,) = [k for k, m in document["components"]["messages"].items() if m["name"] == schema["title"]]
    registry = Registry().with_resource(DOCUMENT_URI, Resource.from_contents(document, DRAFT7))
    payload = {"$ref": f"{DOCUMENT_URI}#/components/messages/{message}/payload"}
    Draft7Validator(payload, registry=registry, format_checker=Draft7Validator.FORMAT_CHECKER).validate(event)
