"""The FastAPI app every service builds: problems, auth state, request logs with trace ids, health, metrics."""
from __future__ import annotations

import time
from contextlib import asynccontextmanager
from typing import AsyncIterator, Sequence

import structlog
from fastapi import APIRouter, FastAPI, Response
from fastapi.responses import JSONResponse
from opentelemetry.trace import SpanKind
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from linli_shared.body_limit import DEFAULT_MAX_BODY_BYTES, BodyLimit
from linli_shared.deadletters import dead_letter_router
from linli_shared.errors import install_problem_handlers
from linli_shared.logging import get_logger
from linli_shared.metrics import HTTP_REQUESTS, record_build_info
from linli_shared.openapi import document_api, operation_id
from linli_shared.runtime import ServiceRuntime
from linli_shared.tracing import continued_span, current_traceparent, server_span_done

log = get_logger()


def create_service_app(runtime: ServiceRuntime, routers: Sequence[APIRouter], title: str,
                       version: str = "0.1.0", max_body_bytes: int = DEFAULT_MAX_BODY_BYTES) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    # FastAPI's own telemetry is off: its request span records the query string (a resident search's name or
    # ID number) for any tracing backend to keep. The request span is ours (`_request_context`).
    app = FastAPI(title=title, version=version, lifespan=lifespan, generate_unique_id_function=operation_id,
                  telemetry={"tracing": False, "metrics": False, "logs": False})
    app.state.settings = runtime.settings
    app.state.runtime = runtime
    record_build_info(runtime.service)
    install_problem_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)  # added first: inside the request log, so a 413 is logged
    app.add_middleware(RequestContext, service=runtime.service)
    all_routers = [_health_router(runtime), dead_letter_router(), *routers]
    document_api(app, all_routers)
    for router in all_routers:
        app.include_router(router)
    return app


class RequestContext:
    """Each request in a server span, timed, counted and logged with its route, status and caller.

    A plain ASGI middleware: starlette's `BaseHTTPMiddleware` would run the app in a task of its own and pass the
    response through a stream, about a millisecond of CPU per request.
    """

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app, self.service = app, service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        structlog.contextvars.clear_contextvars()
        method, path, status = scope["method"], scope["path"], 500

        async def send_traced(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["traceparent"] = current_traceparent()
            await send(message)

        with continued_span(method, SpanKind.SERVER, Headers(scope=scope).get("traceparent"),
                            **{"http.request.method": method, "url.path": path}) as span:
            started = time.perf_counter()
            await self.app(scope, receive, send_traced)
            elapsed = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", "unmatched")
            server_span_done(span, method, route, status)
            HTTP_REQUESTS.labels(self.service, method, route, status).observe(elapsed)
            principal = scope.get("state", {}).get("principal")
            log.info("http.request", method=method, route=route, path=path, status=status,
                     duration_ms=round(elapsed * 1000, 2), sub=principal.sub if principal else None)


def _health_router(runtime: ServiceRuntime) -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "alive", "service": runtime.service}

    @router.get("/readyz", responses={503: {"description": "not ready: the checks name what is down"}})
    async def readyz() -> JSONResponse:
        checks = await runtime.readiness()
        ready = all(value == "ok" for value in checks.values())
        return JSONResponse({"status": "ready" if ready else "not_ready", "checks": checks},
                            status_code=200 if ready else 503)

    @router.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router
