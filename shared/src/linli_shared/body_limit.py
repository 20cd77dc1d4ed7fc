"""One bound on every request body, counted on the bytes actually received.

A declared `Content-Length` is only a hint: a chunked body has none and a client may lie, so the
count is kept on what the server reads. Past the limit the request is answered 413 as a problem,
whatever the route would have said about the cut-off body. A route that takes files raises its
own request's allowance with `allow_body` before it reads a byte.
"""
from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from linli_shared.errors import Problem, problem_response

DEFAULT_MAX_BODY_BYTES = 1 << 20  # every JSON body of every service fits many times over
_ALLOWANCE = "linli.body_allowance"


def too_large(limit: int) -> Problem:
    return Problem(413, "request.too_large", f"请求内容超过 {limit:,} 字节 (request body larger than {limit:,} bytes)")


@dataclass
class _Allowance:
    limit: int
    problem: Problem


class _Refused(Exception):
    """Raised from `receive` past the allowance; the middleware turns it into the 413."""


def allow_body(request: Request, limit: int, problem: Problem | None = None) -> None:
    """Let this request's body reach `limit` bytes, answering `problem` past it (call before reading)."""
    allowance = request.scope.get(_ALLOWANCE)
    if allowance is not None:
        allowance.limit, allowance.problem = limit, problem or too_large(limit)


class BodyLimit:
    """Pure ASGI (no buffering): counts `http.request` bytes as the app reads them."""

    def __init__(self, app: ASGIApp, max_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        allowance = scope[_ALLOWANCE] = _Allowance(self.max_bytes, too_large(self.max_bytes))
        declared = _declared_length(scope)
        received, refused, started = 0, False, False

        async def counted() -> Message:
            nonlocal received, refused
            if declared is not None and declared > allowance.limit:
                refused = True  # no need to read what is announced as too much
                raise _Refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > allowance.limit:
                    refused = True
                    raise _Refused
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if refused:  # the app's answer to a cut-off body (a 400, a 500) is replaced by the 413
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except Exception:
            if not refused:
                raise
        if refused and not started:
            await problem_response(allowance.problem)(scope, receive, send)


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length" and value.isdigit():
            return int(value) if len(value) <= 18 else 1 << 62  # int() of thousands of digits would raise
    return None
