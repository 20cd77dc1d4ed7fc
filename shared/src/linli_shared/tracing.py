"""W3C trace context: one trace id follows a request through its events into every consumer."""
from __future__ import annotations

import re
import secrets

import structlog

_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$")


def new_traceparent(trace_id: str | None = None) -> str:
    return f"00-{trace_id or secrets.token_hex(16)}-{secrets.token_hex(8)}-01"


def trace_id_of(traceparent: str | None) -> str | None:
    match = _TRACEPARENT.match(traceparent or "")
    return match.group(1) if match else None


def bind_trace(traceparent: str | None) -> str:
    """Continue the caller's trace (or start one) and bind it to the log context; returns the traceparent."""
    trace_id = trace_id_of(traceparent)
    current = new_traceparent(trace_id)
    structlog.contextvars.bind_contextvars(trace_id=trace_id_of(current), traceparent=current)
    return current


def current_traceparent() -> str:
    ctx = structlog.contextvars.get_contextvars()
    return ctx.get("traceparent") or new_traceparent()
