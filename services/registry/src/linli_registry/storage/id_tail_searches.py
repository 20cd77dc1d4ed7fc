"""How many searches by ID tail each caller made this hour, counted in the store so replicas share the count."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING, IndexModel, ReturnDocument

ID_TAIL_SEARCHES = "id_tail_searches"
INDEXES = {ID_TAIL_SEARCHES: [IndexModel([("expires_at", ASCENDING)], name="expiry", expireAfterSeconds=0)]}


async def count_one(db: Any, caller: str, now: datetime) -> int:
    """Count one more search in the caller's current clock hour; returns the hour's count including it."""
    hour = now.replace(minute=0, second=0, microsecond=0)
    doc = await db[ID_TAIL_SEARCHES].find_one_and_update(
        {"_id": f"{caller}|{hour:%Y%m%d%H}"},
        {"$inc": {"count": 1}, "$setOnInsert": {"caller": caller, "expires_at": hour + timedelta(hours=2)}},
        upsert=True, return_document=ReturnDocument.AFTER)
    return doc["count"]
