"""What a refused request looks like to a caller: an RFC 9457 problem that names the field."""
from __future__ import annotations

import httpx


def assert_refused(response: httpx.Response, field: list, *, or_inside: bool = False) -> None:
    """A 422 naming `field` (or, with `or_inside`, a place inside it), without echoing the value sent."""
    assert response.status_code == 422, response.text[:500]
    assert response.headers["content-type"] == "application/problem+json"
    named = [e["loc"][1:len(field) + 1] if or_inside else e["loc"][1:] for e in response.json()["errors"]]
    assert field in named
    assert len(response.content) < 2000  # the problem names the field; it does not echo the value
