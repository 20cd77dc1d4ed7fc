"""Cursor pagination for every list: `?limit=&cursor=`, answered as `{items, next_cursor}`."""
from __future__ import annotations

import base64
import json
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel

from linli_shared.errors import Problem
from linli_shared.store_shapes import find_ids_in_steps

T = TypeVar("T")
Limit = Annotated[int, Query(ge=1, le=500, description="page size (max 500)")]
Cursor = Annotated[str | None, Query(description="next_cursor of the previous page")]
DEFAULT_LIMIT = 50


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


# A cursor is base64 of the JSON this API wrote: a keyset position (an `_id` string) or, for a ranked
# search, `{"offset": n}`. Anything else decoded from one would be a query operator or a crash.
_CURSOR_MAX_CHARS = 512
_ID_MAX_CHARS = 200


def encode_cursor(after: str) -> str:
    return _encode(after)


def decode_cursor(cursor: str | None) -> str | None:
    """The `_id` the previous page ended at; 400 for anything else, e.g. `{"$ne": null}` smuggled in."""
    if not cursor:
        return None
    after = _decode(cursor)
    if type(after) is not str or not 0 < len(after) <= _ID_MAX_CHARS:
        raise _not_ours()
    return after


def encode_offset(offset: int) -> str:
    return _encode({"offset": offset})


def decode_offset(cursor: str | None, maximum: int) -> int:
    """The position in a ranking the previous page ended at, between 0 and `maximum`."""
    if not cursor:
        return 0
    after = _decode(cursor)
    offset = after.get("offset") if type(after) is dict and after.keys() == {"offset"} else None
    if type(offset) is not int or not 0 <= offset <= maximum:
        raise _not_ours()
    return offset


def _encode(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value, ensure_ascii=False).encode()).decode()


def _decode(cursor: str) -> Any:
    if len(cursor) > _CURSOR_MAX_CHARS or not cursor.isascii():
        raise _not_ours()
    try:
        return json.loads(base64.b64decode(cursor, altchars=b"-_", validate=True).decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # bad base64, padding, UTF-8 or JSON
        raise _not_ours() from exc


def _not_ours() -> Problem:
    return Problem(400, "cursor.invalid", "the cursor is not one this API returned")


async def page_by_id(collection: Any, query: dict[str, Any], limit: int, cursor: str | None,
                     projection: dict[str, Any] | None = None) -> tuple[list[dict[str, Any]], str | None]:
    """Keyset pagination on `_id`: stable under concurrent inserts, index-friendly."""
    after = decode_cursor(cursor)
    if after is not None:
        query = {"$and": [query, {"_id": {"$gt": after}}]}
    docs = await collection.find(query, projection).sort("_id", 1).limit(limit + 1).to_list()
    more = len(docs) > limit
    docs = docs[:limit]
    return docs, encode_cursor(docs[-1]["_id"]) if more else None


async def page_of_known_ids(collection: Any, ids: set[str], query: dict[str, Any], limit: int,
                            cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
    """Keyset pagination on `_id` when the candidates' ids are already known (a derived group).

    The ids are paged here and the documents fetched by `_id` a page at a time (`find_ids_in_steps`, a
    store workaround). `query` narrows the candidates further; it must not itself constrain `_id`.
    """
    after = decode_cursor(cursor)
    candidates = sorted(i for i in ids if after is None or i > after)
    found = await find_ids_in_steps(collection, candidates, query, limit + 1)
    docs = found[:limit]
    return docs, encode_cursor(docs[-1]["_id"]) if len(found) > limit else None
