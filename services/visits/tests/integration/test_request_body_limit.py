"""Visits' endpoints take bodies of bounded size, counted on the bytes received (chunked or lying)."""
from __future__ import annotations

from collections.abc import AsyncIterator

from visits_helpers import COMMUNITY

TWO_MIB = 2 << 20


async def _chunked(total: int = TWO_MIB) -> AsyncIterator[bytes]:
    yield b'{"summary": "'
    for _ in range(total // (64 << 10)):
        yield b"x" * (64 << 10)
    yield b'"}'


async def test_a_two_mib_chunked_visit_is_413(visits):
    response = await visits.post(f"/v1/communities/{COMMUNITY}/visits", content=_chunked(),
                                 headers={"content-type": "application/json"})
    assert (response.status_code, response.json()["code"]) == (413, "request.too_large")
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_lying_content_length_does_not_let_a_big_body_in(visits):
    body = b'{"summary": "' + b"x" * TWO_MIB + b'"}'
    response = await visits.post(f"/v1/communities/{COMMUNITY}/visits", content=body,
                                 headers={"content-type": "application/json", "content-length": "20"})
    assert (response.status_code, response.json()["code"]) == (413, "request.too_large")


async def test_an_ordinary_body_still_reaches_the_route(visits):
    response = await visits.post(f"/v1/communities/{COMMUNITY}/visits", json={"summary": "x"})
    assert response.status_code == 422 and response.json()["code"] != "request.too_large"
