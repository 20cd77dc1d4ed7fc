"""A change log per partition: each commit's new data version and the ids it changed.

A partition is what a kept copy covers (a community of residents, a district of job seekers). Every
commit that changes documents of a partition bumps its version and, in the same transaction, records
the ids it changed: one entry per version. A process holding the partition's data as of version v
reads the entries after v and re-reads only those documents (`kept.KeptPartitions`). The bumps of one
partition are serialised (they update one document), so its entries run without a gap; a gap (versions
from before the log existed, or entries pruned) means the holder reads the whole partition again.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any, Awaitable, Callable

from pymongo import ASCENDING, IndexModel, ReturnDocument

from linli_shared.events import CloudEvent
from linli_shared.mongo import Indexes
from linli_shared.outbox import Tx
from linli_shared.store_shapes import find_listed_ids

KEPT_SECONDS = 7 * 86400  # how long change entries are kept


class ChangeLog:
    def __init__(self, versions: str, changes: str) -> None:
        self.versions, self.changes = versions, changes  # collection names

    def indexes(self) -> Indexes:
        return {self.changes: [IndexModel([("at", ASCENDING)], name="pruned", expireAfterSeconds=KEPT_SECONDS)]}

    async def bump(self, tx: Tx, partition: str, ids: set[str]) -> int:
        """The partition's next version, with the ids this commit changed; call inside the commit."""
        doc = await tx.db[self.versions].find_one_and_update(
            {"_id": partition}, {"$inc": {"version": 1}}, upsert=True, return_document=ReturnDocument.AFTER,
            session=tx.session)
        tx.insert_at_commit(self.changes, {"_id": _entry_id(partition, doc["version"]), "version": doc["version"],
                                           "ids": sorted(ids), "at": datetime.now(UTC)})
        return doc["version"]

    def recorder(self, partition_of: Callable[[CloudEvent], str | None]) -> Callable[[Tx], Awaitable[None]]:
        """A before-commit step: one version per partition the commit's events touched, naming their subjects.

        Every write of a kept document raises an event whose subject is that document's id;
        `partition_of` says which partition an event's document belongs to (None: not a kept one).
        """
        async def record(tx: Tx) -> None:
            touched: dict[str, set[str]] = defaultdict(set)
            for event in tx.events:
                if (partition := partition_of(event)) is not None:
                    touched[partition].add(event.subject)
            for partition in sorted(touched):
                await self.bump(tx, partition, touched[partition])
        return record

    async def version(self, db: Any, partition: str) -> int:
        doc = await db[self.versions].find_one({"_id": partition})
        return doc["version"] if doc else 0

    async def versions_of(self, db: Any, partitions: list[str]) -> dict[str, int]:
        """Each partition's version (0 for one never written), in one read."""
        found = {d["_id"]: d["version"] for d in await db[self.versions].find({"_id": {"$in": partitions}}).to_list()}
        return {partition: found.get(partition, 0) for partition in partitions}

    async def changed_since(self, db: Any, partition: str, version: int) -> tuple[int, set[str]] | None:
        """The version the entries after `version` reach, and the ids they name; None if one is missing."""
        newest = await self.version(db, partition)
        if newest <= version:
            return version, set()
        entries = await find_listed_ids(db[self.changes],
                                        [_entry_id(partition, v) for v in range(version + 1, newest + 1)])
        reached = unbroken_through(version, [e["version"] for e in entries])
        return None if reached is None else (reached, {i for e in entries for i in e["ids"]})


def _entry_id(partition: str, version: int) -> str:
    """Sorts by version within a partition."""
    return f"{partition}:{version:012d}"


def unbroken_through(kept: int, versions: list[int]) -> int | None:
    """The last of `versions` if they continue `kept` one by one (none: `kept` itself), else None."""
    if versions != list(range(kept + 1, kept + 1 + len(versions))):
        return None
    return versions[-1] if versions else kept

