"""Optimistic concurrency over HTTP: `ETag: "<version>"` out, `If-Match` back in.

A route takes `RequiredVersion` (an update: no If-Match is 428) or `ExpectedVersion` (a save that may
create: If-Match optional); `create_service_app` documents 412/428 and the required header from them.
"""
from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends, Header

from linli_shared.errors import Problem

IF_MATCH_DESCRIPTION = 'the ETag of the version you last read, e.g. "3"; a newer version there is a 412'


def etag(version: int) -> str:
    return f'"{version}"'


def parse_if_match(value: str | None) -> int:
    """`If-Match: "3"` (or W/"3", or 3) names the version the caller last read."""
    if value is None:
        raise Problem(428, "precondition.required", "send If-Match with the version (ETag) you last read")
    raw = value.strip().removeprefix("W/").strip('"')
    if not re.fullmatch(r"[0-9]{1,18}", raw):  # str.isdigit() also takes "²", which int() refuses
        raise Problem(400, "precondition.invalid", f"If-Match {value!r} is not a version this API returned")
    return int(raw)


# Both async though they await nothing: FastAPI runs a plain `def` dependency in a worker thread, a thread hop per
# request to parse one header.
async def required_version(
        if_match: Annotated[str | None, Header(description=IF_MATCH_DESCRIPTION)] = None) -> int:
    # Optional to FastAPI so that a missing header is our 428, not a 422; the OpenAPI marks it required.
    return parse_if_match(if_match)


async def expected_version(
        if_match: Annotated[str | None, Header(description=IF_MATCH_DESCRIPTION)] = None) -> int | None:
    return None if if_match is None else parse_if_match(if_match)


RequiredVersion = Annotated[int, Depends(required_version)]
ExpectedVersion = Annotated[int | None, Depends(expected_version)]
