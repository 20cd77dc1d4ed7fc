"""Per-community statistics, cached until the community's data changes.

Every registry write bumps its community's data version in the same transaction, so a cached
table is served only while no resident or household of that community has changed since.
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Awaitable, Callable

from pymongo import ReturnDocument

from linli_shared.outbox import Tx

DATA_VERSIONS, STATISTICS_CACHE = "community_data_versions", "statistics_cache"


async def bump_data_versions(tx: Tx) -> None:
    """Run before every registry commit: one version step per community the write touched."""
    for community in sorted({e.community for e in tx.events if len(e.community) == 12}):
        await tx.db[DATA_VERSIONS].find_one_and_update(
            {"_id": community}, {"$inc": {"version": 1}}, upsert=True, session=tx.session,
            return_document=ReturnDocument.AFTER)


async def cached_counts(db: Any, community: str, as_of: date,
                        compute: Callable[[], Awaitable[dict[str, int]]]) -> dict[str, int]:
    # Read the version first: a write landing mid-computation leaves a newer version, so the entry is
    # never served stale, only recomputed.
    version_doc = await db[DATA_VERSIONS].find_one({"_id": community})
    version = version_doc["version"] if version_doc else 0
    key = f"{community}:{as_of.isoformat()}"
    cached = await db[STATISTICS_CACHE].find_one({"_id": key})
    if cached and cached["version"] == version:
        return cached["counts"]
    counts = await compute()
    await db[STATISTICS_CACHE].replace_one(
        {"_id": key}, {"version": version, "counts": counts, "computed_at": datetime.now(UTC)}, upsert=True)
    return counts
