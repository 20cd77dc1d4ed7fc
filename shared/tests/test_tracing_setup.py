"""Tracing is configured the SDK's standard way: OTLP over HTTP only when an endpoint is set, the service named by
us; and every log line says which replica and version wrote it, with the span it was written in."""
from __future__ import annotations

import io
import json
import logging
import sys

import pytest
import structlog
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import SpanKind

from linli_shared.lease import instance_id
from linli_shared.logging import configure_logging, get_logger
from linli_shared.tracing import continued_span, trace_exporter, tracer_provider

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


def _processors(provider: TracerProvider) -> tuple:
    return provider._active_span_processor._span_processors  # the SDK keeps no public list of them


def test_without_an_endpoint_no_exporter_is_configured(monkeypatch):
    for name in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    assert trace_exporter() is None
    assert _processors(tracer_provider("registry")) == ()


def test_with_an_endpoint_spans_go_over_otlp_http(monkeypatch):
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")
    exporter = trace_exporter()
    assert isinstance(exporter, OTLPSpanExporter) and exporter._endpoint == "http://collector:4318/v1/traces"
    assert len(_processors(tracer_provider("registry"))) == 1
    assert trace_exporter({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_TRACES_EXPORTER": "none"}) \
        is None


def test_the_service_is_named_by_us_with_its_version_and_replica(monkeypatch):
    monkeypatch.setenv("OTEL_SERVICE_NAME", "one-name-for-everything")
    resource = tracer_provider("visits", {}).resource.attributes
    assert resource["service.name"] == "linli-visits" and resource["service.namespace"] == "linli"
    assert resource["service.version"] and instance_id().startswith(resource["service.instance.id"])


@pytest.fixture
def lines(monkeypatch, stdlib_logging_restored):
    """The lines the real pipeline writes, to a buffer of this test's own."""
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    configure_logging("testsvc")
    yield lambda: [json.loads(line) for line in out.getvalue().splitlines()]
    structlog.reset_defaults()


def test_every_line_says_which_replica_and_version_wrote_it(lines):
    get_logger().info("test.ours")
    logging.getLogger("nats").warning("a library's line")
    written = lines()
    assert [line["event"] for line in written] == ["test.ours", "a library's line"]
    assert all(instance_id().startswith(line["instance"]) and line["version"] for line in written)


def test_a_line_written_in_a_span_carries_its_trace_and_span_ids(lines):
    with continued_span("test", SpanKind.INTERNAL, f"00-{TRACE}-00f067aa0ba902b7-01") as span:
        get_logger().info("test.inside")
    get_logger().info("test.outside")
    inside, outside = lines()
    assert (inside["trace_id"], inside["span_id"]) == (TRACE, f"{span.get_span_context().span_id:016x}")
    assert inside["span_id"] != "00f067aa0ba902b7"
    assert "span_id" not in outside
