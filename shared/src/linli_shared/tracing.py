"""W3C trace context and OpenTelemetry spans: one trace id follows a request through its events into every consumer.

A span's context comes from the `traceparent` it continues (an HTTP header, an event's extension) and
goes into the `traceparent` of the response and of every event raised inside it, so the trace id in
the logs is the trace id a tracing backend shows. Spans go over OTLP only when
`OTEL_EXPORTER_OTLP_ENDPOINT` is set; without it they still give the logs and events their ids.
"""
from __future__ import annotations

import os
import re
import secrets
from contextlib import contextmanager
from functools import cache
from typing import Any, Iterator, Mapping

import structlog
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.trace import (
    NonRecordingSpan,
    ProxyTracerProvider,
    Span,
    SpanContext,
    SpanKind,
    StatusCode,
    TraceFlags,
)

from linli_shared.logging import service_version, this_replica

_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")
_ENDPOINTS = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")
# Before a process installs its provider (tests that run apps in-process): spans still get ids, and go nowhere.
_IDS_ONLY = TracerProvider()


def new_traceparent(trace_id: str | None = None) -> str:
    return f"00-{trace_id or secrets.token_hex(16)}-{secrets.token_hex(8)}-01"


def trace_id_of(traceparent: str | None) -> str | None:
    match = _TRACEPARENT.match(traceparent or "")
    return match.group(1) if match else None


def bind_trace(traceparent: str | None) -> str:
    """Continue a stored trace outside any span (a job, a delivery) in the log context; returns the traceparent."""
    trace_id = trace_id_of(traceparent)
    current = new_traceparent(trace_id)
    structlog.contextvars.bind_contextvars(trace_id=trace_id_of(current), traceparent=current)
    return current


def current_traceparent() -> str:
    """The traceparent an event raised here carries: the current span's, else the bound one, else a new trace."""
    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        return f"00-{context.trace_id:032x}-{context.span_id:016x}-{context.trace_flags:02x}"
    return structlog.contextvars.get_contextvars().get("traceparent") or new_traceparent()


def trace_exporter(environ: Mapping[str, str] = os.environ) -> SpanExporter | None:
    """The OTLP/HTTP exporter when an endpoint is configured (the SDK reads the rest of OTEL_* itself), else None."""
    if not any(environ.get(name) for name in _ENDPOINTS) or environ.get("OTEL_TRACES_EXPORTER") == "none":
        return None
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter  # only when exporting
    return OTLPSpanExporter()


def tracer_provider(service: str, environ: Mapping[str, str] = os.environ) -> TracerProvider:
    """The service's provider: named for it (over any OTEL_SERVICE_NAME: one variable set for every service would
    merge them), its version and replica; with an OTLP exporter only when an endpoint is set."""
    provider = TracerProvider(resource=Resource.create({
        "service.name": f"linli-{service}", "service.namespace": "linli",
        "service.version": service_version(service), "service.instance.id": this_replica()}))
    exporter = trace_exporter(environ)
    if exporter is not None:
        provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider


def configure_tracing(service: str) -> None:
    """Install the process's provider, once, at start (as `serve` does)."""
    trace.set_tracer_provider(tracer_provider(service))


def tracer() -> trace.Tracer:
    provider = trace.get_tracer_provider()
    return _tracer_of(_IDS_ONLY if isinstance(provider, ProxyTracerProvider) else provider)


@cache
def _tracer_of(provider: trace.TracerProvider) -> trace.Tracer:
    return provider.get_tracer("linli_shared", service_version("shared"))


def parent_of(traceparent: str | None) -> Context | None:
    """The OpenTelemetry context whose span is the one `traceparent` names; None (a new trace) if it names none."""
    match = _TRACEPARENT.match(traceparent or "")
    if match is None or not int(match.group(1), 16) or not int(match.group(2), 16):
        return None
    remote = SpanContext(int(match.group(1), 16), int(match.group(2), 16), is_remote=True,
                         trace_flags=TraceFlags(int(match.group(3), 16) & TraceFlags.SAMPLED))
    return trace.set_span_in_context(NonRecordingSpan(remote))


@contextmanager
def span(name: str, kind: SpanKind = SpanKind.INTERNAL, **attributes: Any) -> Iterator[Span]:
    """A current span, a child of the current one."""
    with _started(name, None, kind, attributes) as current:
        yield current


@contextmanager
def continued_span(name: str, kind: SpanKind, traceparent: str | None, **attributes: Any) -> Iterator[Span]:
    """A current span continuing `traceparent` (a request's, an event's), or starting a trace if it names none."""
    with _started(name, parent_of(traceparent) or Context(), kind, attributes) as current:
        yield current


@contextmanager
def _started(name: str, context: Context | None, kind: SpanKind, attributes: dict[str, Any]) -> Iterator[Span]:
    # Exceptions are not recorded: their messages can quote residents' data, and spans leave the process.
    with tracer().start_as_current_span(name, context=context, kind=kind, attributes=attributes,
                                        record_exception=False, set_status_on_exception=False) as current:
        try:
            yield current
        except BaseException as exc:
            mark_failed(exc)
            raise


def server_span_done(current: Span, method: str, route: str, status: int) -> None:
    """Name a request's span by its route template (never the path: ids in it would make every span unique)."""
    current.update_name(f"{method} {route}")
    current.set_attribute("http.route", route)
    current.set_attribute("http.response.status_code", status)
    if status >= 500:
        current.set_status(StatusCode.ERROR)


def mark_failed(exc: BaseException) -> None:
    """Mark the current span failed, by the exception's type only (its message may quote residents' data)."""
    trace.get_current_span().set_status(StatusCode.ERROR, type(exc).__name__)
