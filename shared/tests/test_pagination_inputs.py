"""Cursors and version numbers come back from callers: only the shapes the API wrote are taken."""
from __future__ import annotations

import base64
import json

import pytest

from linli_shared.errors import Problem
from linli_shared.etag import parse_if_match
from linli_shared.pagination import decode_cursor, decode_offset, encode_cursor, encode_offset


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode()


def _json(value) -> str:
    return _b64(json.dumps(value).encode())


FORGED = {
    "an operator object": _json({"$ne": None}),
    "a list": _json(["a", "b"]),
    "a number": _json(7),
    "a boolean": _json(True),
    "null": _json(None),
    "NaN": _b64(b"NaN"),
    "an empty id": _json(""),
    "an overlong id": _json("a" * 201),
    "not UTF-8": _b64(b'"\xff\xfe"'),
    "not JSON": _b64(b"{oops"),
    "wrong padding": _json("abc").rstrip("="),
    "not base64": "!!!!",
    "non-ASCII characters": "ImFiYyI＝",
    "huge": "A" * 100_000,
    "deeply nested": _b64(b"[" * 5000 + b"]" * 5000)[:500],
}


@pytest.mark.parametrize("cursor", FORGED.values(), ids=FORGED.keys())
def test_a_forged_or_garbled_keyset_cursor_is_a_400(cursor):
    with pytest.raises(Problem) as refused:
        decode_cursor(cursor)
    assert (refused.value.status, refused.value.code) == (400, "cursor.invalid")


@pytest.mark.parametrize("cursor", [*FORGED.values(), _json({"offset": -1}), _json({"offset": 1001}),
                                    _json({"offset": "5"}), _json({"offset": True}), _json({"offset": 5, "$x": 1}),
                                    encode_cursor("abc")])
def test_a_search_cursor_is_an_offset_in_range_or_a_400(cursor):
    with pytest.raises(Problem) as refused:
        decode_offset(cursor, 1000)
    assert (refused.value.status, refused.value.code) == (400, "cursor.invalid")


def test_the_cursors_the_api_writes_read_back():
    assert decode_cursor(encode_cursor("6f1c-居民")) == "6f1c-居民"
    assert decode_cursor(None) is None and decode_cursor("") is None
    assert decode_offset(encode_offset(40), 1000) == 40 and decode_offset(None, 1000) == 0


@pytest.mark.parametrize("header", ['"²"', '"٣"', '"３"', '"' + "9" * 5000 + '"', '"-1"', '"1.0"', '""'])
def test_an_if_match_that_is_not_an_ascii_version_is_a_400(header):
    with pytest.raises(Problem) as refused:
        parse_if_match(header)
    assert (refused.value.status, refused.value.code) == (400, "precondition.invalid")


def test_an_if_match_version_reads_back():
    assert [parse_if_match(v) for v in ('"3"', 'W/"3"', "3")] == [3, 3, 3]
