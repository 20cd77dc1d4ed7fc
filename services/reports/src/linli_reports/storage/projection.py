"""The facts reports count, kept from the other services' events (no call to them, ever)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from linli_shared.mongo import upsert_if_newer, upsert_many_if_newer
from linli_shared.orgs import prefix_regex
from linli_shared.outbox import Tx

from linli_reports.domain.compute import CommunityFacts
from linli_reports.storage.indexes import (
    HOUSEHOLDS,
    ORGS,
    PLACEMENTS,
    REFERRALS,
    RESIDENTS,
    SEEKERS,
    VISITS,
    WATERMARKS,
)

VISIT_FIELDS = {"resident_id": 1, "reason": 1, "visited_on": 1, "met": 1, "aid_total_cny": 1}
KINDS = {"residents": RESIDENTS, "households": HOUSEHOLDS, "visits": VISITS, "referrals": REFERRALS,
         "placements": PLACEMENTS}  # what a lineage cell lists, and where each is kept


async def community_facts(db: Any, community: str, start: date, end: date) -> CommunityFacts:
    window = {"$gte": start.isoformat(), "$lte": end.isoformat()}
    scope = {"community_code": community}
    return CommunityFacts(
        residents=await db[RESIDENTS].find(scope).to_list(),
        households=await db[HOUSEHOLDS].find(scope).to_list(),
        visits=await db[VISITS].find({**scope, "visited_on": window}, VISIT_FIELDS).to_list(),
        referrals=await db[REFERRALS].find({**scope, "referred_on": window}).to_list(),
        placements=await db[PLACEMENTS].find({**scope, "start_date": window}).to_list(),
    )


async def communities_under(db: Any, org: str) -> list[str]:
    """Communities the registry has told us about (its org tree), plus any we hold residents of."""
    known = {o["_id"] for o in await db[ORGS].find({"level": "community", "_id": prefix_regex(org)}).to_list()}
    known |= {c for c in await db[RESIDENTS].distinct("community_code", {"community_code": prefix_regex(org)})}
    return sorted(known)


async def org_names(db: Any, codes: list[str]) -> dict[str, str]:
    return {o["_id"]: o["name"] for o in await db[ORGS].find({"_id": {"$in": codes}}).to_list()}


async def advance_watermark(tx: Tx, source: str, at: datetime) -> None:
    """The newest event time applied from each producer: what a snapshot was computed from."""
    await tx.db[WATERMARKS].update_one({"_id": source}, {"$max": {"event_time": at}}, upsert=True, session=tx.session)


async def watermark(db: Any) -> dict[str, datetime]:
    return {w["_id"]: w["event_time"] for w in await db[WATERMARKS].find().to_list()}


async def by_id(db: Any, kind: str, ids: list[str]) -> dict[str, dict[str, Any]]:
    """The kept residents (households, visits, referrals, placements) of these ids, by id."""
    return {d["_id"]: d for d in await db[KINDS[kind]].find({"_id": {"$in": ids}}).to_list()}


async def members_of(db: Any, household_ids: list[str]) -> list[dict[str, Any]]:
    return await db[RESIDENTS].find({"household_id": {"$in": household_ids}}).sort("_id", 1).to_list()


# Keeping the projection: whole states by aggregate version (the newest wins), facts by their id.
Versioned = tuple[str, int, dict[str, Any]]  # id, aggregate version, fields


async def keep_residents(tx: Tx, states: list[Versioned]) -> None:
    await upsert_many_if_newer(tx.db[RESIDENTS], states, tx.session)


async def keep_households(tx: Tx, states: list[Versioned]) -> None:
    await upsert_many_if_newer(tx.db[HOUSEHOLDS], states, tx.session)


async def keep_org(tx: Tx, code: str, version: int, fields: dict[str, Any]) -> None:
    await upsert_if_newer(tx.db[ORGS], code, version, fields, tx.session)


async def keep_seeker(tx: Tx, seeker_id: str, version: int, fields: dict[str, Any]) -> None:
    await upsert_if_newer(tx.db[SEEKERS], seeker_id, version, fields, tx.session)


class KeptVisit(BaseModel):
    id: str
    community_code: str
    resident_id: str
    reason: str
    visited_at: datetime
    visited_on: str  # the local day, ISO
    met: bool
    aid_total_cny: float


class KeptReferral(BaseModel):
    id: str
    community_code: str
    seeker_id: str
    resident_id: str
    job_title: str
    employer_name: str
    referred_on: str  # the local day, ISO
    priority_groups: list[str]  # the seeker's at referral time (a 4050 referral stays one when they turn 60)


class KeptPlacement(BaseModel):
    id: str
    community_code: str
    seeker_id: str
    resident_id: str
    referral_id: str
    job_id: str
    start_date: str  # ISO
    priority_groups: list[str]


async def priority_groups(tx: Tx, referral_id: str | None, seeker_id: str) -> list[str] | None:
    """The groups a referral was made with, else the seeker's now; None if we know neither (yet)."""
    source = referral_id and await tx.db[REFERRALS].find_one({"_id": referral_id}, {"priority_groups": 1},
                                                             session=tx.session)
    source = source or await tx.db[SEEKERS].find_one({"_id": seeker_id}, {"priority_groups": 1}, session=tx.session)
    return None if source is None else source.get("priority_groups", [])


async def _keep(tx: Tx, collection: str, kept: BaseModel) -> None:
    await tx.db[collection].update_one({"_id": kept.id}, {"$set": kept.model_dump(exclude={"id"})}, upsert=True,
                                       session=tx.session)


async def keep_referral(tx: Tx, referral: KeptReferral) -> None:
    await _keep(tx, REFERRALS, referral)


async def referral_outcome(tx: Tx, referral_id: str, outcome: str) -> None:
    await tx.db[REFERRALS].update_one({"_id": referral_id}, {"$set": {"outcome": outcome}}, session=tx.session)


async def keep_placement(tx: Tx, placement: KeptPlacement) -> None:
    await _keep(tx, PLACEMENTS, placement)


async def keep_visit(tx: Tx, visit: KeptVisit) -> None:
    await _keep(tx, VISITS, visit)
