"""Each community's data version for its visit statistics: every commit that changes what they count bumps it.

What they count is the community's residents and households (the registry's, projected here), its visits, its
tasks and its policy. Each commit of visits' own (a visit, a task's move, a need...) raises events naming their
community, and `record` bumps those before the commit; the projection and the policy, which raise none, bump
theirs where they write. The statistics served for a version are never those of an older one.
"""
from __future__ import annotations

from typing import Any

from linli_shared.outbox import Tx

from linli_visits.storage.indexes import STATISTICS_VERSIONS


async def bump(tx: Tx, communities: set[str]) -> None:
    for community in sorted(communities):  # one order for every commit: two commits wait, never deadlock
        await tx.db[STATISTICS_VERSIONS].update_one({"_id": community}, {"$inc": {"version": 1}}, upsert=True,
                                                    session=tx.session)


async def record(tx: Tx) -> None:
    """A before-commit step: the communities the commit's events name are bumped with it."""
    if tx.events:
        await bump(tx, {event.community for event in tx.events})


async def versions_of(db: Any, communities: list[str]) -> tuple[int, ...]:
    """Each community's version (0 for one never written), in the order given, in one read."""
    found = {d["_id"]: d["version"] for d in await db[STATISTICS_VERSIONS].find(
        {"_id": {"$in": communities}}).to_list()}
    return tuple(found.get(community, 0) for community in communities)
