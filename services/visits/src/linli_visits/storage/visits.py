"""Visit records: written once when a visit is recorded, then read for a resident's history and the statistics."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from linli_shared.outbox import Tx

from linli_visits.domain.commands import Aid
from linli_visits.domain.policy import Reason
from linli_visits.storage.indexes import VISITS
from linli_visits.storage.stored import Day, Stored


class VisitRecord(Stored):
    community_code: str
    resident_id: str
    task_id: str | None
    reason: Reason
    visited_at: datetime
    visited_on: Day  # the committee's own calendar day, whatever offset the client sent
    method: Literal["in_person", "phone", "video"]
    met: bool
    visitor: str
    recorded_by: str
    observations: str | None
    aid: list[Aid]
    aid_total_cny: float
    needs: list[str]  # ids of the needs the visit found


async def add(tx: Tx, visit: VisitRecord) -> None:
    await tx.db[VISITS].insert_one(visit.document(), session=tx.session)


async def name_needs(tx: Tx, visit: VisitRecord) -> None:
    await tx.db[VISITS].update_one({"_id": visit.id}, {"$set": {"needs": visit.needs}}, session=tx.session)


async def history(db: Any, resident_id: str) -> list[VisitRecord]:
    """A resident's visits, the latest first."""
    docs = await db[VISITS].find({"resident_id": resident_id}).sort("visited_at", -1).to_list()
    return [VisitRecord.model_validate(doc) for doc in docs]


async def aid_totals(db: Any, visit_ids: list[str]) -> list[float]:
    return [v["aid_total_cny"] for v in await db[VISITS].find({"_id": {"$in": visit_ids}},
                                                              {"aid_total_cny": 1}).to_list()]


async def figures_between(db: Any, communities: list[str], since: date, until: date) -> list[dict[str, Any]]:
    """The statistics' rows (reason, visitor, aid total, met, resident) of the visits made between two days."""
    return await db[VISITS].find(
        {"community_code": {"$in": communities}, "visited_on": {"$gte": since.isoformat(), "$lte": until.isoformat()}},
        {"reason": 1, "visitor": 1, "aid_total_cny": 1, "met": 1, "resident_id": 1}).to_list()


async def met_between(db: Any, community: str, after: date, until: date) -> list[tuple[str, str]]:
    """(resident, ISO day) of each met visit after one day and up to another."""
    found = await db[VISITS].find(
        {"community_code": community, "met": True, "visited_on": {"$gt": after.isoformat(), "$lte": until.isoformat()}},
        {"resident_id": 1, "visited_on": 1}).to_list()
    return [(visit["resident_id"], visit["visited_on"]) for visit in found]
