"""Per-community statistics, cached until the community's data changes.

Every registry write bumps its community's data version in the same transaction, so a cached
table is served only while no resident or household of that community has changed since.
"""
from __future__ import annotations

import asyncio
from collections import OrderedDict, defaultdict
from datetime import UTC, date, datetime
from typing import Any, Awaitable, Callable, Hashable

from pymongo import ReturnDocument

from linli_shared.outbox import Tx

from linli_registry.storage import community_changes

DATA_VERSIONS, STATISTICS_CACHE = "community_data_versions", "statistics_cache"


async def bump_data_versions(tx: Tx) -> None:
    """Run before every registry commit: one version step per community the write touched, with what changed.

    Every write of a resident or household raises an event whose subject is that document's id.
    """
    touched: dict[str, set[str]] = defaultdict(set)
    for event in tx.events:
        if len(event.community) == 12:
            touched[event.community].add(event.subject)
    for community in sorted(touched):
        doc = await tx.db[DATA_VERSIONS].find_one_and_update(
            {"_id": community}, {"$inc": {"version": 1}}, upsert=True, return_document=ReturnDocument.AFTER,
            session=tx.session)
        await community_changes.record(tx, community, doc["version"], touched[community])


async def data_version(db: Any, community: str) -> int:
    doc = await db[DATA_VERSIONS].find_one({"_id": community})
    return doc["version"] if doc else 0


class VersionedCache:
    """A few recent values in this process, the least recently used pushed out.

    Each key or value carries its community's data version: a write bumps it, so an entry of older
    data is never served again; two replicas each keep their own and neither serves the other's.
    """

    def __init__(self, kept: int = 32) -> None:
        self.kept, self._entries = kept, OrderedDict[Hashable, Any]()

    def get(self, key: Hashable) -> Any | None:
        if key in self._entries:
            self._entries.move_to_end(key)
        return self._entries.get(key)

    def put(self, key: Hashable, value: Any) -> None:
        self._entries[key] = value
        self._entries.move_to_end(key)
        while len(self._entries) > self.kept:
            self._entries.popitem(last=False)


async def cached_counts(db: Any, communities: list[str], as_of: date,
                        compute: Callable[[str], Awaitable[dict[str, int]]]) -> dict[str, dict[str, int]]:
    """Each community's counts from the cache, computing (and storing) only the stale ones.

    Versions and entries are read for all communities in two queries: a district is a hundred of them.
    """
    # Read the versions first: a write landing mid-computation leaves a newer version, so the entry is
    # never served stale, only recomputed.
    versions = {d["_id"]: d["version"] for d in await db[DATA_VERSIONS].find({"_id": {"$in": communities}}).to_list()}
    keys = {community: f"{community}:{as_of.isoformat()}" for community in communities}
    entries = {d["_id"]: d for d in await db[STATISTICS_CACHE].find({"_id": {"$in": list(keys.values())}}).to_list()}
    fresh = {c: entries[keys[c]]["counts"] for c in communities
             if keys[c] in entries and entries[keys[c]]["version"] == versions.get(c, 0)}
    gate = asyncio.Semaphore(4)

    async def recompute(community: str) -> tuple[str, dict[str, int]]:
        async with gate:
            counts = await compute(community)
        await db[STATISTICS_CACHE].replace_one(
            {"_id": keys[community]},
            {"version": versions.get(community, 0), "counts": counts, "computed_at": datetime.now(UTC)}, upsert=True)
        return community, counts

    stale = [c for c in communities if c not in fresh]
    fresh.update(await asyncio.gather(*(recompute(c) for c in stale)))
    return {c: fresh[c] for c in communities}
