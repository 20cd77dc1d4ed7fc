"""The other services' public APIs, called with the signed-in user's own token.

The console owns no data: every rule of scope, masking and audit stays in the service that owns it.
An RFC 9457 problem comes back as `ApiProblem`, which a page shows as a plain message, each field
error next to its field.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Annotated, Any

import httpx
from fastapi import Depends, Request

from linli_console import strings
from linli_console.session import CurrentUser


@dataclass
class ApiProblem(Exception):
    status: int
    code: str
    title: str = ""
    detail: str = ""
    field_errors: dict[str, str] = field(default_factory=dict)  # form field -> Chinese message

    @property
    def message(self) -> str:
        return strings.problem_message(self.status, self.code)


@dataclass(frozen=True)
class ApiResult:
    status: int
    body: Any  # parsed JSON, or bytes for a file
    etag: str | None
    headers: httpx.Headers


def field_name(loc: list[Any]) -> str:
    """`["body", "observations"]` -> `observations`; nested fields keep their path: `address.estate`."""
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header") and not isinstance(p, int)]
    return ".".join(parts) or "_"


def problem_of(response: httpx.Response) -> ApiProblem:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    errors = {field_name(e.get("loc") or []): strings.field_message(e.get("code", ""), e.get("message", ""))
              for e in body.get("errors") or [] if isinstance(e, dict)}
    return ApiProblem(response.status_code, str(body.get("code") or f"http.{response.status_code}"),
                      str(body.get("title") or ""), str(body.get("detail") or ""), errors)


class Backend:
    def __init__(self, client: httpx.AsyncClient, urls: dict[str, str], token: str,
                 timings: list[tuple[str, float]] | None = None) -> None:
        self._client, self._urls, self._token = client, urls, token
        self.timings = [] if timings is None else timings  # (service, ms) per call, for `Server-Timing`

    async def request(self, method: str, service: str, path: str, *, params: Any = None, json: Any = None,
                      files: Any = None, data: Any = None, if_match: str | None = None) -> ApiResult:
        headers = {"Authorization": f"Bearer {self._token}", "Accept": "application/json"}
        if if_match:
            headers["If-Match"] = if_match
        started = time.perf_counter()
        try:
            response = await self._client.request(method, self._urls[service] + path, params=params, json=json,
                                                  files=files, data=data, headers=headers)
        except httpx.HTTPError as exc:
            raise ApiProblem(503, "console.unreachable", detail=f"{service}: {type(exc).__name__}") from exc
        finally:
            self.timings.append((service, (time.perf_counter() - started) * 1000))
        if response.status_code >= 400:
            raise problem_of(response)
        is_json = response.headers.get("content-type", "").startswith("application/json")
        body = response.json() if is_json else response.content
        return ApiResult(response.status_code, body, response.headers.get("etag"), response.headers)

    async def get(self, service: str, path: str, **kw: Any) -> ApiResult:
        return await self.request("GET", service, path, **kw)

    async def post(self, service: str, path: str, **kw: Any) -> ApiResult:
        return await self.request("POST", service, path, **kw)

    async def put(self, service: str, path: str, **kw: Any) -> ApiResult:
        return await self.request("PUT", service, path, **kw)

    async def patch(self, service: str, path: str, **kw: Any) -> ApiResult:
        return await self.request("PATCH", service, path, **kw)


async def backend(request: Request, user: CurrentUser) -> Backend:
    # async though it awaits nothing: FastAPI would run a plain `def` in a worker thread on every request
    request.state.api_calls = []
    return Backend(request.app.state.http, request.app.state.settings.service_urls(), user.token,
                   request.state.api_calls)


def server_timing(calls: list[tuple[str, float]]) -> str:
    """`registry;dur=41.2, visits;dur=12.0`: each API call behind a page, as a browser's developer tools show it
    (service names and times only: never a path, which may hold a resident's id)."""
    return ", ".join(f"{service};dur={ms:.1f}" for service, ms in calls)


BackendDep = Annotated[Backend, Depends(backend)]
