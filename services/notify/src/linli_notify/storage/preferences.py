"""Each recipient's channels, quiet hours and opt-outs."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from linli_notify.storage.indexes import PREFERENCES


class StoredQuietHours(BaseModel):
    start: str
    end: str


class StoredPreferences(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    recipient_id: str = Field(alias="_id")
    recipient_kind: str | None = None
    community_code: str | None = None
    channels: list[str] | None = None
    quiet_hours: StoredQuietHours | None = None
    opt_outs: list[str] = []


async def get(db: Any, recipient_id: str, session: Any = None) -> StoredPreferences | None:
    doc = await db[PREFERENCES].find_one({"_id": recipient_id}, session=session)
    return None if doc is None else StoredPreferences.model_validate(doc)


async def of_each(db: Any, recipient_ids: set[str], session: Any = None) -> dict[str, StoredPreferences]:
    """The preferences those of these recipients saved."""
    docs = await db[PREFERENCES].find({"_id": {"$in": sorted(recipient_ids)}}, session=session).to_list()
    return {doc["_id"]: StoredPreferences.model_validate(doc) for doc in docs}


async def put(db: Any, preferences: StoredPreferences) -> None:
    await db[PREFERENCES].update_one({"_id": preferences.recipient_id},
                                     {"$set": preferences.model_dump(exclude={"recipient_id"})}, upsert=True)
