"""Kept copies: the data of a few recently used partitions in this process, caught up from their change log.

A partition is what a copy covers (the registry keeps a community's facts, employment a district's job
seekers). Before each use a copy reads the log's entries after its version and re-reads only the
documents they name (`changelog.ChangeLog`); a gap in the log, or a copy not checked for longer than
the log keeps its entries, means reading the whole partition again.

A subclass may also save a copy in the store (`load_saved`, `save`): a process that starts (or has
let the copy go) then reads one saved document and the changes after it, not the whole partition.
"""
from __future__ import annotations

import asyncio
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from linli_shared.caching import VersionedCache
from linli_shared.changelog import KEPT_SECONDS, ChangeLog

# A copy not checked against the log for this long may have missed entries since pruned: read it whole.
# The margin covers a transaction still open when the copy was read and clocks that disagree.
TRUSTED_SECONDS = KEPT_SECONDS - 86400
# A saved copy is saved again once this many documents changed since: a restart then re-reads at most these.
SAVE_AFTER_CHANGED = 200


class Versioned(Protocol):
    version: int


V = TypeVar("V", bound=Versioned)


class KeptPartitions(ABC, Generic[V]):
    """The data of a few recently used partitions in this process, each caught up from `log` before use.

    A subclass says how to read a whole partition and how to fold re-read documents into a kept copy.
    """

    def __init__(self, log: ChangeLog, kept: int) -> None:
        self.log = log
        self._entries = VersionedCache(kept)  # by partition: (copy, when it was last checked against the log)
        self._refreshes: dict[str, _Refreshes] = {}  # by partition, only while someone asks for it
        self.trusted_seconds = TRUSTED_SECONDS
        self.full_reads = 0  # for tests and the curious: how often a whole partition was read
        self._unsaved: dict[str, int] = {}  # by partition: documents changed since the saved copy (if saving)

    async def of(self, db: Any, partition: str) -> V:
        """The partition's data, at least as new as when this was called.

        Callers of one partition refresh it one at a time. A cold district statistics page asks for a
        hundred communities while more callers ask for the same ones: each waiting caller takes the
        first refresh that began after it asked instead of reading the partition again itself.
        """
        refreshes = self._refreshes.setdefault(partition, _Refreshes())
        asked_after, refreshes.callers = refreshes.started, refreshes.callers + 1
        try:
            async with refreshes.lock:
                if refreshes.finished > asked_after:
                    return refreshes.value
                refreshes.started += 1
                refreshes.value = await self._refresh(db, partition)
                refreshes.finished = refreshes.started
                return refreshes.value
        finally:
            refreshes.callers -= 1
            if not refreshes.callers:  # nobody waits: keep no copy outside the bounded cache
                del self._refreshes[partition]

    async def _refresh(self, db: Any, partition: str) -> V:
        checked_at = time.monotonic()  # before reading the log: entries it misses came after this
        kept = self._trusted(partition, checked_at) or await self._saved(db, partition)
        changes = await self.log.changed_since(db, partition, kept.version) if kept else None
        if changes is None:
            self.full_reads += 1
            # The version is read first: data at least that new follows, whatever lands meanwhile.
            value = await self.read_all(db, partition, await self.log.version(db, partition))
            await self._save(db, partition, value, changed=None)
        elif changes[0] == kept.version:
            value = kept
        else:  # re-read after their change entries, so the documents are at least that new
            value = await self.with_changes(db, partition, kept, *changes)
            await self._save(db, partition, value, changed=len(changes[1]))
        self._entries.put(partition, (value, checked_at))
        return value

    async def _saved(self, db: Any, partition: str) -> V | None:
        saved = await self.load_saved(db, partition)
        if saved is None or time.time() - saved[1] >= self.trusted_seconds:
            return None
        self._unsaved.setdefault(partition, 0)
        return saved[0]

    async def _save(self, db: Any, partition: str, value: V, changed: int | None) -> None:
        """Save a copy read whole, or one that has caught up with many changes since the saved one."""
        unsaved = None if changed is None else self._unsaved.get(partition, 0) + changed
        if unsaved is not None and unsaved < SAVE_AFTER_CHANGED:
            self._unsaved[partition] = unsaved
        elif await self.save(db, partition, value):
            self._unsaved[partition] = 0

    def _trusted(self, partition: str, now: float) -> V | None:
        kept = self._entries.get(partition)
        return kept[0] if kept and now - kept[1] < self.trusted_seconds else None

    @abstractmethod
    async def read_all(self, db: Any, partition: str, version: int) -> V: ...

    @abstractmethod
    async def with_changes(self, db: Any, partition: str, kept: V, version: int, ids: set[str]) -> V: ...

    async def load_saved(self, db: Any, partition: str) -> tuple[V, float] | None:
        """The saved copy and when it was saved (epoch seconds); None: nothing saved (or no saving)."""
        return None

    async def save(self, db: Any, partition: str, value: V) -> bool:
        """Save the copy unless a newer one is saved already; False: nothing saved (or no saving)."""
        return False


@dataclass
class _Refreshes:
    """One partition's refreshes: numbered as they start, so a caller knows which began after it asked."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    started: int = 0
    finished: int = 0  # the number of the last refresh that finished, whose value follows
    value: Any = None
    callers: int = 0
