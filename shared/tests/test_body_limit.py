"""The request-body bound: counted on the bytes received, whatever the headers say."""
from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI, Request

from linli_shared.body_limit import BodyLimit, allow_body
from linli_shared.errors import Problem, install_problem_handlers

LIMIT = 1 << 20
TWO_MIB = 2 << 20


def _app() -> tuple[FastAPI, list[int]]:
    handled: list[int] = []  # body sizes the routes got to see
    app = FastAPI()
    install_problem_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=LIMIT)

    @app.post("/json")
    async def json_body(body: dict) -> dict:
        handled.append(len(str(body)))
        return {"ok": True}

    @app.post("/upload")
    async def upload(request: Request) -> dict:
        allow_body(request, 4 << 20, Problem(413, "upload.too_large", "too large for an upload"))
        size = sum([len(block) async for block in request.stream()])
        handled.append(size)
        return {"size": size}

    return app, handled


async def _chunks(total: int, size: int = 64 << 10) -> AsyncIterator[bytes]:
    yield b'{"a": "'
    for _ in range(total // size):
        yield b"x" * size
    yield b'"}'


@pytest.fixture
def app_and_seen():
    return _app()


async def _post(app: FastAPI, path: str, **kwargs) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        return await client.post(path, **kwargs)


def _is_too_large(response: httpx.Response, code: str = "request.too_large") -> bool:
    return (response.status_code, response.headers["content-type"], response.json()["code"]) == (
        413, "application/problem+json", code)


async def test_a_chunked_body_over_the_limit_is_413_and_never_reaches_the_route(app_and_seen):
    app, seen = app_and_seen
    response = await _post(app, "/json", content=_chunks(TWO_MIB), headers={"content-type": "application/json"})
    assert "content-length" not in response.request.headers  # really chunked
    assert _is_too_large(response) and seen == []


async def test_a_content_length_that_understates_the_body_does_not_get_it_past(app_and_seen):
    app, seen = app_and_seen
    body = b'{"a": "' + b"x" * TWO_MIB + b'"}'
    response = await _post(app, "/json", content=body,
                           headers={"content-type": "application/json", "content-length": "100"})
    assert response.request.headers["content-length"] == "100"
    assert _is_too_large(response) and seen == []


async def test_a_declared_length_over_the_limit_is_refused_before_reading(app_and_seen):
    app, seen = app_and_seen
    response = await _post(app, "/json", content=b"{}",
                           headers={"content-type": "application/json", "content-length": "9" * 40})
    assert _is_too_large(response) and seen == []


async def test_a_body_within_the_limit_is_served(app_and_seen):
    app, seen = app_and_seen
    response = await _post(app, "/json", json={"a": "x" * (LIMIT // 2)})
    assert response.status_code == 200 and len(seen) == 1


async def test_a_route_that_takes_files_raises_its_own_allowance_and_names_its_own_problem(app_and_seen):
    app, seen = app_and_seen
    assert (await _post(app, "/upload", content=_chunks(TWO_MIB))).json() == {"size": TWO_MIB + 9}
    over = await _post(app, "/upload", content=_chunks(5 << 20))
    assert _is_too_large(over, "upload.too_large") and seen == [TWO_MIB + 9]
