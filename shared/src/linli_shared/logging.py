"""structlog JSON logging: one object per line, with sensitive fields redacted by a processor."""
from __future__ import annotations

import logging
import os
import socket
import sys
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import structlog
from opentelemetry import trace

from linli_shared.privacy import mask_id_number, mask_phone, redact_text

_ID_KEYS = {"id_number", "id_card", "national_id"}
_PHONE_KEYS = {"phone", "mobile", "phones"}
# By containment, so `sms_api_key`, `x-api-key`, `refresh_token` or `set-cookie` need no list of their own.
_SECRET_PARTS = ("secret", "password", "passwd", "token", "key", "cookie", "authorization", "jwt", "credential")
_DROP = {"traceparent", "color_message"}


def _is_secret(key: str) -> bool:
    lowered = key.lower()
    return any(part in lowered for part in _SECRET_PARTS)


def _redact_value(key: str, value: Any) -> Any:
    if _is_secret(key):
        return "[redacted]"
    if isinstance(value, int) and not isinstance(value, bool):  # phone=13812345678 as a number
        shown = _redact_value(key, str(value))
        return value if shown == str(value) else shown
    lowered = key.lower()
    if lowered in _ID_KEYS and isinstance(value, str):
        return mask_id_number(value)
    if lowered in _PHONE_KEYS and isinstance(value, str):
        return mask_phone(value)
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {k: _redact_value(str(k), v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_redact_value(key, v) for v in value]
    return value


def redact_sensitive(_logger: Any, _name: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """A careless log call cannot leak an ID number or phone: mask them by key and by shape."""
    for key in _DROP & event_dict.keys():
        del event_dict[key]
    return {key: _redact_value(key, value) for key, value in event_dict.items()}


def this_replica() -> str:
    """hostname-pid: which replica (container, process) this is; a lease owner's id starts with it."""
    return f"{_hostname()}-{os.getpid()}"


@cache
def _hostname() -> str:
    return socket.gethostname()


@cache
def service_version(service: str) -> str:
    """The installed version of `linli-<service>` (of linli-shared for a name that is not a package)."""
    for package in (f"linli-{service}", "linli-shared"):
        try:
            return version(package)
        except PackageNotFoundError:
            continue
    return "unknown"


def add_span(_logger: Any, _name: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """Inside a span, the line carries its trace and span ids, as a tracing backend shows them."""
    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        event_dict["trace_id"] = f"{context.trace_id:032x}"
        event_dict["span_id"] = f"{context.span_id:016x}"
    return event_dict


def _add_origin(service: str):
    """Which replica, at which version, wrote the line: two replicas' lines interleave in one log store."""
    release = service_version(service)

    def add(_logger: Any, _name: str, event_dict: dict[str, Any]) -> dict[str, Any]:
        event_dict["instance"] = this_replica()
        event_dict["version"] = release
        return event_dict
    return add


def configure_logging(service: str, level: str = "INFO") -> None:
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="ts"),
        structlog.processors.format_exc_info,
        redact_sensitive,
        add_span,  # after redaction: ids and names we set ourselves, not caller-supplied text
        _add_origin(service),
    ]
    structlog.configure(
        processors=[*shared, _add_service(service),
                    structlog.processors.JSONRenderer(ensure_ascii=False)],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(sys.stdout),
        cache_logger_on_first_use=False,
    )
    _route_stdlib(service, level, shared)


_LEADING = ("ts", "level", "service", "event", "trace_id", "span_id", "community")


def _add_service(service: str):
    """Set the service and put the fields ops scan first at the front of every line."""
    def add(_logger: Any, _name: str, event_dict: dict[str, Any]) -> dict[str, Any]:
        event_dict.setdefault("service", service)
        leading = {key: event_dict.pop(key) for key in _LEADING if key in event_dict}
        return {**leading, **event_dict}
    return add


def _route_stdlib(service: str, level: str, shared: list[Any]) -> None:
    """uvicorn, pymongo and nats log through the stdlib; render those lines the same way."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, _add_service(service),
                    structlog.processors.JSONRenderer(ensure_ascii=False)],
    ))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # httpx and httpcore log every call's whole URL at INFO: a search's query (a name, a phone tail) or a webhook's
    # address would reach the logs, and the caller logs what it needs (the console's calls are in Server-Timing).
    for noisy in ("uvicorn.access", "pymongo", "asyncio", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.getLogger("uvicorn.access").disabled = True


def get_logger(**bound: Any) -> structlog.stdlib.BoundLogger:
    return structlog.get_logger(**bound)
