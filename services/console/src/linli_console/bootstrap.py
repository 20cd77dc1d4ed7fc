"""The console's composition root: middleware (session, security headers), error pages, and each page's router."""
from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator

import httpx
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from linli_shared.body_limit import BodyLimit, allow_body

from linli_console import session as sessions
from linli_console.backend import ApiProblem, server_timing
from linli_console.pages import admin, community, jobs, ledger, register, residents, signin, worker
from linli_console.settings import ConsoleSettings
from linli_console.strings import t
from linli_console.templating import render

LEDGER_UPLOAD = "/ledger"  # pages/ledger.py's upload: the one form that carries a file

# No inline script or style anywhere: every script and stylesheet is a file this service serves.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
SECURITY_HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                    "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY",
                    "Cache-Control": "no-store",  # pages hold residents' data: never kept by a browser or proxy
                    "Permissions-Policy": "camera=(), microphone=(), geolocation=()"}


def create_app(settings: ConsoleSettings | None = None) -> FastAPI:
    settings = settings or ConsoleSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with httpx.AsyncClient(timeout=settings.api_timeout_seconds) as http:
            app.state.http = http
            yield

    app = FastAPI(title="Linli console", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None,
                  dependencies=[Depends(sessions.check_csrf)])
    app.state.settings = settings
    app.state.token_keys = None
    app.middleware("http")(_session_and_headers)
    app.add_middleware(BodyLimit)  # outermost: every body is counted as it arrives, 1 MiB unless allowed more
    _error_pages(app)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    app.add_api_route("/healthz", _healthz, include_in_schema=False)
    app.add_api_route("/readyz", _healthz, include_in_schema=False)
    for page in (signin, worker, residents, register):
        app.include_router(page.router)
    app.include_router(ledger.router)
    app.include_router(community.router)
    app.include_router(jobs.router)
    app.include_router(admin.router)
    return app


async def _healthz() -> JSONResponse:
    return JSONResponse({"status": "ok"})  # the console keeps no connection of its own to wait for


async def _session_and_headers(request: Request, call_next) -> Response:
    secret = request.app.state.settings.cookie_secret.get_secret_value()
    request.state.session = sessions.decode(request.cookies.get(sessions.COOKIE), secret)
    if request.method == "POST" and request.url.path == LEDGER_UPLOAD and _signed_in(request):
        allow_body(request, request.app.state.settings.upload_max_bytes)  # before a byte of the form is read
    response = await call_next(request)
    if request.state.session.changed:
        response.set_cookie(value=sessions.encode(request.state.session, secret), **sessions.cookie_options())
    response.headers.update(SECURITY_HEADERS)
    if calls := getattr(request.state, "api_calls", None):
        response.headers["Server-Timing"] = server_timing(calls)
    return response


def _signed_in(request: Request) -> bool:
    """A verified token: only a signed-in user may send a ledger's worth of bytes."""
    try:
        sessions.current_user(request)
    except sessions.SignInRequired:
        return False
    return True


def _error_pages(app: FastAPI) -> None:
    @app.exception_handler(sessions.SignInRequired)
    async def _sign_in(request: Request, _exc: Exception) -> Response:
        return RedirectResponse("/signin", status_code=303)

    @app.exception_handler(sessions.CsrfRejected)
    async def _csrf(request: Request, _exc: Exception) -> Response:
        return render(request, "error.html", {"message": t("error.csrf")}, status_code=403)

    @app.exception_handler(ApiProblem)
    async def _problem(request: Request, exc: ApiProblem) -> Response:
        if exc.status == 401:
            return RedirectResponse("/signin", status_code=303)
        return render(request, "error.html", {"message": exc.message}, status_code=exc.status)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        message = t("error.not_found") if exc.status_code == 404 else str(exc.detail)
        return render(request, "error.html", {"message": message}, status_code=exc.status_code)
