"""One record per day the morning digest went out."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from linli_notify.storage.indexes import DIGESTS


async def sent_on(db: Any, day: str) -> bool:
    return await db[DIGESTS].find_one({"_id": day}) is not None


async def record(db: Any, day: str, workers: int, at: datetime) -> None:
    await db[DIGESTS].update_one({"_id": day}, {"$set": {"workers": workers, "at": at}}, upsert=True)
