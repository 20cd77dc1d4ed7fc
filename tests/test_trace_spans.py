"""One trace in a tracing backend: an HTTP request in the registry, its store calls and its event's publish, and
the visits consumer that handles the event, all under the caller's trace id with the right parents; and the log
lines of that flow carry the same trace id and the span they were written in.

Registry and visits run in-process on the real bus and store; the SDK's in-memory exporter stands in for the
OTLP endpoint.
"""
from __future__ import annotations

import io
import json
import logging
import sys
from typing import AsyncIterator, Callable, Iterator

import pytest
import structlog
from asgi_lifespan import LifespanManager
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import ProxyTracerProvider, SpanKind

from linli_devtools.asgi import client, eventually
from linli_devtools.orgs import COMMUNITY, put_org_tree
from linli_devtools.people import born_years_ago, id_number
from linli_shared.clock import Clock
from linli_shared.logging import configure_logging

from linli_registry.bootstrap import create_app as create_registry
from linli_registry.settings import RegistrySettings
from linli_visits.bootstrap import create_app as create_visits
from linli_visits.settings import VisitsSettings

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN = "00f067aa0ba902b7"
RECORDED = "linli.registry.resident.life_event_recorded.v1"


@pytest.fixture(scope="module")
def exporter() -> Iterator[InMemorySpanExporter]:
    """The process's tracer provider (installed once, as `serve` does) exporting to memory for this module."""
    provider = trace.get_tracer_provider()
    if isinstance(provider, ProxyTracerProvider):
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
    memory = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(memory))
    yield memory
    memory.shutdown()  # stops keeping the spans of later modules' tests


@pytest.fixture
def log_lines(monkeypatch) -> Iterator[Callable[[], list[dict]]]:
    """The JSON lines both apps write through the real logging pipeline, to a buffer of this test's own."""
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_logging("registry")
    yield lambda: [json.loads(line) for line in out.getvalue().splitlines() if line.startswith("{")]
    structlog.reset_defaults()
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
async def apps(mongo_url, nats_url, db_name, service_env_set) -> AsyncIterator[tuple]:
    common = dict(mongo_url=mongo_url, nats_url=nats_url, environment="test", outbox_poll_seconds=0.05)
    registry = create_registry(RegistrySettings(mongo_db=f"{db_name}_r", **common))
    visits = create_visits(VisitsSettings(mongo_db=f"{db_name}_v", sweep_interval_seconds=3600, **common), Clock())
    async with LifespanManager(registry, startup_timeout=60), LifespanManager(visits, startup_timeout=60):
        yield registry, visits


async def test_one_trace_follows_a_request_through_its_event_into_visits(apps, exporter, log_lines, make_token):
    registry_app, visits_app = apps
    today = Clock().today()
    async with client(registry_app, make_token(scope=["130303"])) as registry, \
            client(visits_app, make_token(scope=["130303"])) as visits:
        await put_org_tree(registry)
        resident = (await registry.post(f"/v1/communities/{COMMUNITY}/residents", json={
            "name": "周凤兰", "id_number": id_number(born_years_ago(85, today), "female")})).json()
        exporter.clear()
        response = await registry.post(f"/v1/residents/{resident['id']}/life-events",
                                       headers={"traceparent": f"00-{TRACE}-{CALLER_SPAN}-01"},
                                       json={"kind": "hospitalized", "date": today.isoformat()})
        assert response.status_code == 201 and response.headers["traceparent"].startswith(f"00-{TRACE}-")

        async def task_created():
            found = await visits.get(f"/v1/communities/{COMMUNITY}/visit-tasks",
                                     params={"resident_id": resident["id"], "reason": "hospitalized"})
            return found.json()["items"]
        await eventually(task_created)
        await eventually(lambda: _ended(exporter, "publish linli.visits.task.created.v1"))
        await eventually(lambda: _ended(exporter, f"process {RECORDED}", times=2))
    spans = [s for s in exporter.get_finished_spans() if f"{s.context.trace_id:032x}" == TRACE]

    request = _one(spans, "POST /v1/residents/{resident_id}/life-events", SpanKind.SERVER)
    assert f"{request.parent.span_id:016x}" == CALLER_SPAN and request.parent.is_remote
    assert request.attributes["http.response.status_code"] == 201
    assert response.headers["traceparent"] == f"00-{TRACE}-{request.context.span_id:016x}-01"
    stored = [s for s in _children(spans, request) if s.kind == SpanKind.CLIENT]
    operations = {s.attributes["db.operation.name"] for s in stored}
    assert "commitTransaction" in operations and operations & {"insert", "bulkWrite"}  # the writes go at commit
    assert all(s.attributes["db.system.name"] == "mongodb" for s in stored)
    published = _one(spans, f"publish {RECORDED}", SpanKind.PRODUCER)
    # a life event is handled in both of visits' lanes (the urgent one, and the bulk one in stream order)
    lanes = [s for s in spans if s.name == f"process {RECORDED}" and s.kind == SpanKind.CONSUMER]
    assert sorted(s.attributes["messaging.consumer.group.name"] for s in lanes) == [
        "visits-registry-urgent-v1", "visits-registry-v1"]
    assert all(s.parent.span_id == published.parent.span_id == request.context.span_id for s in lanes)
    followed = _one(spans, "publish linli.visits.task.created.v1", SpanKind.PRODUCER)
    handled = next(s for s in lanes if s.context.span_id == followed.parent.span_id)  # the lane that made the task
    assert any(s.kind == SpanKind.CLIENT for s in _children(spans, handled)), "the handler's store calls"
    assert not [s.name for s in spans if any("周凤兰" in str(value) for value in s.attributes.values())]

    lines = log_lines()
    assert lines and all(line["instance"] and line["version"] for line in lines)
    flow = {line["event"]: line for line in lines if line.get("trace_id") == TRACE}
    assert flow["http.request"]["span_id"] == f"{request.context.span_id:016x}"
    assert flow["outbox.published"]["span_id"] in {f"{s.context.span_id:016x}" for s in (published, followed)}
    assert flow["consumer.handled"]["span_id"] in {f"{s.context.span_id:016x}" for s in lanes}


def _one(spans: list[ReadableSpan], name: str, kind: SpanKind) -> ReadableSpan:
    found = [s for s in spans if s.name == name and s.kind == kind]
    assert len(found) == 1, (name, sorted(s.name for s in spans))
    return found[0]


def _children(spans: list[ReadableSpan], parent: ReadableSpan) -> list[ReadableSpan]:
    return [s for s in spans if s.parent is not None and s.parent.span_id == parent.context.span_id]


async def _ended(exporter: InMemorySpanExporter, name: str, times: int = 1) -> bool:
    return sum(s.name == name for s in exporter.get_finished_spans()) >= times
