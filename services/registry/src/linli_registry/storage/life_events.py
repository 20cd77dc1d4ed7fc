"""Reading a resident's life events (written with the resident, in `storage/residents.py`), newest first."""
from __future__ import annotations

from typing import Any

from linli_shared.pagination import decode_cursor, encode_cursor

from linli_registry.storage.indexes import LIFE_EVENTS
from linli_registry.storage.residents import LifeEvent

_SEP = "|"  # a cursor is "<date>|<_id>" of the last event shown: dates and uuids never hold it


async def page_of_resident(db: Any, resident_id: str, limit: int,
                           cursor: str | None) -> tuple[list[LifeEvent], str | None]:
    """By event date, newest first (ties by id), keyset-paged so an event recorded meanwhile moves nothing."""
    query: dict[str, Any] = {"resident_id": resident_id}
    after = decode_cursor(cursor)
    if after is not None:
        day, _, last_id = after.partition(_SEP)
        query = {"$and": [query, {"$or": [{"date": {"$lt": day}}, {"date": day, "_id": {"$lt": last_id}}]}]}
    docs = await db[LIFE_EVENTS].find(query).sort([("date", -1), ("_id", -1)]).limit(limit + 1).to_list()
    events = [LifeEvent.model_validate(d) for d in docs[:limit]]
    more = len(docs) > limit
    return events, encode_cursor(f"{events[-1].date}{_SEP}{events[-1].id}") if more else None
