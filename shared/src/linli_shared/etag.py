"""Optimistic concurrency over HTTP: `ETag: "<version>"` out, `If-Match` back in."""
from __future__ import annotations

import re

from linli_shared.errors import Problem


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
