"""Each community's visit policy, kept under the community's code; a community without one has the default."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from linli_shared.outbox import Tx

from linli_visits.domain.policy import VisitPolicy, default_policy
from linli_visits.storage.indexes import POLICIES
from linli_visits.storage.stored import Stored, at


class PolicyRecord(Stored):
    """`id` is the community's code."""

    policy: VisitPolicy


async def policies_of(where: Tx | Any, communities: set[str]) -> dict[str, VisitPolicy]:
    """Each community's policy (its own, or the default) in one read."""
    db, session = at(where)
    docs = await db[POLICIES].find({"_id": {"$in": sorted(communities)}}, session=session).to_list()
    found = {record.id: record.policy for record in map(PolicyRecord.model_validate, docs)}
    return {community: found.get(community) or default_policy() for community in communities}


async def replace(tx: Tx, community: str, policy: VisitPolicy, by: str, now: datetime) -> None:
    await tx.db[POLICIES].update_one(
        {"_id": community}, {"$set": {"policy": policy.model_dump(mode="json"), "updated_by": by, "updated_at": now},
                             "$inc": {"version": 1}}, upsert=True, session=tx.session)
