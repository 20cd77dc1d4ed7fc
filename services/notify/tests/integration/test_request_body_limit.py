"""Notify's endpoints take bodies of bounded size, counted on the bytes received (chunked or lying)."""
from __future__ import annotations

from collections.abc import AsyncIterator

TWO_MIB = 2 << 20
PREFERENCES = "/v1/recipients/w1/preferences"


async def _chunked(total: int = TWO_MIB) -> AsyncIterator[bytes]:
    yield b'{"opt_outs": ["'
    for _ in range(total // (64 << 10)):
        yield b"x" * (64 << 10)
    yield b'"]}'


async def test_a_two_mib_chunked_body_is_413_as_a_problem(app, as_staff):
    response = await as_staff("w1").put(PREFERENCES, content=_chunked(), headers={"content-type": "application/json"})
    assert (response.status_code, response.json()["code"]) == (413, "request.too_large")
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_lying_content_length_does_not_let_a_big_body_in(app, as_staff):
    body = b'{"opt_outs": ["' + b"x" * TWO_MIB + b'"]}'
    response = await as_staff("w1").put(PREFERENCES, content=body,
                                        headers={"content-type": "application/json", "content-length": "20"})
    assert (response.status_code, response.json()["code"]) == (413, "request.too_large")
