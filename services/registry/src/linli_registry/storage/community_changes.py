"""Which residents and households each community data version changed (社区数据变更记录).

Every registry commit bumps the data version of each community it touched and, in the same
transaction, records here the ids its events name: one entry per version. A process keeping a
community's facts then reads the entries after its kept version and re-reads only those
documents. The bumps of one community are serialised (they update one document), so the entries
run without a gap; a gap (versions written before this log existed, or pruned) means a full read.
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pymongo import ASCENDING, IndexModel

from linli_shared.outbox import Tx

COMMUNITY_CHANGES = "community_changes"
KEPT_SECONDS = 7 * 86400  # a process that kept facts longer ago than this reads the community again
INDEXES = {COMMUNITY_CHANGES: [IndexModel([("at", ASCENDING)], name="pruned", expireAfterSeconds=KEPT_SECONDS)]}


def _entry_id(community: str, version: int) -> str:
    """Sorts by version within a community, so one `_id` range reads a community's entries in order."""
    return f"{community}:{version:012d}"


async def record(tx: Tx, community: str, version: int, ids: set[str]) -> None:
    await tx.db[COMMUNITY_CHANGES].insert_one(
        {"_id": _entry_id(community, version), "version": version, "ids": sorted(ids), "at": datetime.now(UTC)},
        session=tx.session)


async def changed_since(db: Any, community: str, version: int) -> tuple[int, set[str]] | None:
    """The version the entries after `version` reach, and the ids they name; None if one is missing."""
    entries = await db[COMMUNITY_CHANGES].find(
        {"_id": {"$gt": _entry_id(community, version), "$lt": f"{community};"}}).sort("_id", ASCENDING).to_list()
    reached = unbroken_through(version, [e["version"] for e in entries])
    return None if reached is None else (reached, {i for e in entries for i in e["ids"]})


def unbroken_through(kept: int, versions: list[int]) -> int | None:
    """The last of `versions` if they continue `kept` one by one (none: `kept` itself), else None."""
    if versions != list(range(kept + 1, kept + 1 + len(versions))):
        return None
    return versions[-1] if versions else kept
