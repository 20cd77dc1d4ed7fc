"""Per-community statistics, cached until the community's data changes.

Every registry write bumps its community's data version in the same transaction, so a cached
table is served only while no resident or household of that community has changed since.
"""
from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from typing import Any, Awaitable, Callable

from linli_shared.caching import InFlight

from linli_registry.storage.community_changes import COMMUNITY_LOG

STATISTICS_CACHE = "statistics_cache"


class StatisticsCache:
    """The stored tables, and the ones this process is computing: a cold district page asked for by
    several officers at once computes each community once, not once per officer."""

    def __init__(self) -> None:
        self._computing = InFlight()

    async def counts(self, db: Any, communities: list[str], as_of: date,
                     compute: Callable[[str], Awaitable[dict[str, int]]],
                     parallel: int = 4) -> dict[str, dict[str, int]]:
        """Each community's counts from the cache, computing (and storing) only the stale ones, `parallel` at once.

        Versions and entries are read for all communities in two queries: a district is a hundred of them.
        """
        # Read the versions first: a write landing mid-computation leaves a newer version, so the entry is
        # never served stale, only recomputed.
        versions = await COMMUNITY_LOG.versions_of(db, communities)
        keys = {community: f"{community}:{as_of.isoformat()}" for community in communities}
        fresh = await _stored(db, keys, versions)
        gate = asyncio.Semaphore(parallel)

        async def recompute(community: str) -> dict[str, int]:
            async with gate:
                counts = await compute(community)
            await db[STATISTICS_CACHE].replace_one(
                {"_id": keys[community]},
                {"version": versions[community], "counts": counts, "computed_at": datetime.now(UTC)}, upsert=True)
            return counts

        async def shared(community: str) -> tuple[str, dict[str, int]]:
            key = (keys[community], versions[community])
            return community, await self._computing.run(key, lambda: recompute(community))

        stale = [c for c in communities if c not in fresh]
        fresh.update(await asyncio.gather(*(shared(c) for c in stale)))
        return {c: fresh[c] for c in communities}


async def _stored(db: Any, keys: dict[str, str], versions: dict[str, int]) -> dict[str, dict[str, int]]:
    """The stored counts of each community whose data has not changed since they were computed."""
    entries = {d["_id"]: d for d in await db[STATISTICS_CACHE].find({"_id": {"$in": list(keys.values())}}).to_list()}
    return {c: entries[key]["counts"] for c, key in keys.items()
            if key in entries and entries[key]["version"] == versions[c]}
