"""The facts reports count, kept from the other services' events (no call to them, ever)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from linli_shared.orgs import prefix_regex

from linli_reports.domain.compute import CommunityFacts
from linli_reports.storage.indexes import HOUSEHOLDS, ORGS, PLACEMENTS, REFERRALS, RESIDENTS, VISITS, WATERMARKS

VISIT_FIELDS = {"resident_id": 1, "reason": 1, "visited_on": 1, "met": 1, "aid_total_cny": 1}


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


async def advance_watermark(tx: Any, source: str, at: datetime) -> None:
    """The newest event time applied from each producer: what a snapshot was computed from."""
    await tx.db[WATERMARKS].update_one({"_id": source}, {"$max": {"event_time": at}}, upsert=True, session=tx.session)


async def watermark(db: Any) -> dict[str, datetime]:
    return {w["_id"]: w["event_time"] for w in await db[WATERMARKS].find().to_list()}
