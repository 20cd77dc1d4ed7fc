"""Placements (就业安置): a hire, and the follow-up checks still to announce."""
from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from linli_shared.orgs import prefix_regex
from linli_shared.outbox import Tx

from linli_employment.storage.documents import IsoDate, Stored
from linli_employment.storage.indexes import PLACEMENTS


class Placement(Stored):
    referral_id: str
    seeker_id: str
    resident_id: str
    job_id: str
    community_code: str
    priority_groups: list[str]
    start_date: IsoDate
    wage_cny: float
    referred_by: str
    follow_ups_done: list[int]
    follow_ups_pending: list[int]


async def insert(tx: Tx, placement: Placement) -> None:
    await tx.db[PLACEMENTS].insert_one(placement.doc(), session=tx.session)


async def with_follow_ups_pending(db: AsyncDatabase) -> list[Placement]:
    return [Placement.model_validate(doc)
            for doc in await db[PLACEMENTS].find({"follow_ups_pending": {"$ne": []}}).to_list()]


async def mark_announced(tx: Tx, placement: Placement, day: int) -> bool:
    """Move `day` from pending to done; False if another run announced it first."""
    result = await tx.db[PLACEMENTS].update_one(
        {"_id": placement.id, "follow_ups_done": {"$ne": day}},
        {"$push": {"follow_ups_done": day}, "$pull": {"follow_ups_pending": day}}, session=tx.session)
    return bool(result.modified_count)


async def started_in(db: AsyncDatabase, org: str, window: dict[str, str],
                     fields: dict[str, int]) -> list[dict[str, Any]]:
    """The `fields` of every placement under `org` whose start_date falls in `window` (figures, not records)."""
    return await db[PLACEMENTS].find({"community_code": prefix_regex(org), "start_date": window},
                                      fields).to_list()
