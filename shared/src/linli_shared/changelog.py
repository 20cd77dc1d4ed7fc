"""Data versions with a change log: how a process keeps a copy of a scope's data and catches up cheaply.

A scope is what a kept copy covers (a community of residents, a district of job seekers). Every
commit that changes documents of a scope bumps its version and, in the same transaction, records
the ids it changed: one entry per version. A process holding the scope's data as of version v
reads the entries after v and re-reads only those documents. The bumps of one scope are serialised
(they update one document), so its entries run without a gap; a gap (versions from before the log
existed, or entries pruned) means the holder reads the whole scope again.
"""
from __future__ import annotations

import asyncio
import time
from abc import ABC, abstractmethod
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Awaitable, Callable, Coroutine, Generic, Hashable, Protocol, TypeVar

from pymongo import ASCENDING, IndexModel, ReturnDocument

from linli_shared.events import CloudEvent
from linli_shared.mongo import Indexes
from linli_shared.outbox import Tx

KEPT_SECONDS = 7 * 86400  # how long change entries are kept
# A copy not checked against the log for this long may have missed entries since pruned: read it whole.
# The margin covers a transaction still open when the copy was read and clocks that disagree.
TRUSTED_SECONDS = KEPT_SECONDS - 86400


class ChangeLog:
    def __init__(self, versions: str, changes: str) -> None:
        self.versions, self.changes = versions, changes  # collection names

    def indexes(self) -> Indexes:
        return {self.changes: [IndexModel([("at", ASCENDING)], name="pruned", expireAfterSeconds=KEPT_SECONDS)]}

    async def bump(self, tx: Tx, scope: str, ids: set[str]) -> int:
        """The scope's next version, with the ids this commit changed; call inside the commit."""
        doc = await tx.db[self.versions].find_one_and_update(
            {"_id": scope}, {"$inc": {"version": 1}}, upsert=True, return_document=ReturnDocument.AFTER,
            session=tx.session)
        await tx.db[self.changes].insert_one(
            {"_id": _entry_id(scope, doc["version"]), "version": doc["version"], "ids": sorted(ids),
             "at": datetime.now(UTC)}, session=tx.session)
        return doc["version"]

    def recorder(self, scope_of: Callable[[CloudEvent], str | None]) -> Callable[[Tx], Awaitable[None]]:
        """A before-commit step: one version per scope the commit's events touched, naming their subjects.

        Every write of a kept document raises an event whose subject is that document's id;
        `scope_of` says which scope an event's document belongs to (None: not a kept one).
        """
        async def record(tx: Tx) -> None:
            touched: dict[str, set[str]] = defaultdict(set)
            for event in tx.events:
                if (scope := scope_of(event)) is not None:
                    touched[scope].add(event.subject)
            for scope in sorted(touched):
                await self.bump(tx, scope, touched[scope])
        return record

    async def version(self, db: Any, scope: str) -> int:
        doc = await db[self.versions].find_one({"_id": scope})
        return doc["version"] if doc else 0

    async def versions_of(self, db: Any, scopes: list[str]) -> dict[str, int]:
        """Each scope's version (0 for one never written), in one read."""
        found = {d["_id"]: d["version"] for d in await db[self.versions].find({"_id": {"$in": scopes}}).to_list()}
        return {scope: found.get(scope, 0) for scope in scopes}

    async def changed_since(self, db: Any, scope: str, version: int) -> tuple[int, set[str]] | None:
        """The version the entries after `version` reach, and the ids they name; None if one is missing.

        The entries are named one by one up to the scope's version: SecantusDB serves an `_id` range by
        reading the whole log (a quarter of a second per call after a district's import), `$in` by the index.
        """
        newest = await self.version(db, scope)
        if newest <= version:
            return version, set()
        wanted = [_entry_id(scope, v) for v in range(version + 1, newest + 1)]
        entries = await db[self.changes].find({"_id": {"$in": wanted}}).sort("_id", ASCENDING).to_list()
        reached = unbroken_through(version, [e["version"] for e in entries])
        return None if reached is None else (reached, {i for e in entries for i in e["ids"]})


def _entry_id(scope: str, version: int) -> str:
    """Sorts by version within a scope."""
    return f"{scope}:{version:012d}"


def unbroken_through(kept: int, versions: list[int]) -> int | None:
    """The last of `versions` if they continue `kept` one by one (none: `kept` itself), else None."""
    if versions != list(range(kept + 1, kept + 1 + len(versions))):
        return None
    return versions[-1] if versions else kept


class VersionedCache:
    """A few recent values in this process, the least recently used pushed out.

    Each key or value carries its scope's data version: a write bumps it, so an entry of older
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


class InFlight:
    """Concurrent callers of one computation share it: the key carries the data version it computes.

    The computation runs to the end even if the caller that started it goes away, so the others
    still get its value.
    """

    def __init__(self) -> None:
        self._running: dict[Hashable, asyncio.Task] = {}

    async def run(self, key: Hashable, compute: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
        task = self._running.get(key)
        if task is None:
            self._running[key] = task = asyncio.create_task(compute())
            task.add_done_callback(lambda _: self._running.pop(key, None))
        return await asyncio.shield(task)


class Versioned(Protocol):
    version: int


V = TypeVar("V", bound=Versioned)


class KeptScopes(ABC, Generic[V]):
    """The data of a few recently used scopes in this process, each caught up from `log` before use.

    A subclass says how to read a whole scope and how to fold re-read documents into a kept copy.
    """

    def __init__(self, log: ChangeLog, kept: int) -> None:
        self.log = log
        self._entries = VersionedCache(kept)  # by scope: (copy, when it was last checked against the log)
        self._refreshes: dict[str, _Refreshes] = {}  # by scope, only while someone asks for it
        self.trusted_seconds = TRUSTED_SECONDS
        self.full_reads = 0  # for tests and the curious: how often a whole scope was read

    async def of(self, db: Any, scope: str) -> V:
        """The scope's data, at least as new as when this was called.

        Callers of one scope refresh it one at a time. A cold district statistics page asks for a
        hundred communities while more callers ask for the same ones: each waiting caller takes the
        first refresh that began after it asked instead of reading the scope again itself.
        """
        refreshes = self._refreshes.setdefault(scope, _Refreshes())
        asked_after, refreshes.callers = refreshes.started, refreshes.callers + 1
        try:
            async with refreshes.lock:
                if refreshes.finished > asked_after:
                    return refreshes.value
                refreshes.started += 1
                refreshes.value = await self._refresh(db, scope)
                refreshes.finished = refreshes.started
                return refreshes.value
        finally:
            refreshes.callers -= 1
            if not refreshes.callers:  # nobody waits: keep no copy outside the bounded cache
                del self._refreshes[scope]

    async def _refresh(self, db: Any, scope: str) -> V:
        checked_at = time.monotonic()  # before reading the log: entries it misses came after this
        kept = self._trusted(scope, checked_at)
        changes = await self.log.changed_since(db, scope, kept.version) if kept else None
        if changes is None:
            self.full_reads += 1
            # The version is read first: data at least that new follows, whatever lands meanwhile.
            value = await self.read_all(db, scope, await self.log.version(db, scope))
        elif changes[0] == kept.version:
            value = kept
        else:  # re-read after their change entries, so the documents are at least that new
            value = await self.with_changes(db, scope, kept, *changes)
        self._entries.put(scope, (value, checked_at))
        return value

    def _trusted(self, scope: str, now: float) -> V | None:
        kept = self._entries.get(scope)
        return kept[0] if kept and now - kept[1] < self.trusted_seconds else None

    @abstractmethod
    async def read_all(self, db: Any, scope: str, version: int) -> V: ...

    @abstractmethod
    async def with_changes(self, db: Any, scope: str, kept: V, version: int, ids: set[str]) -> V: ...


@dataclass
class _Refreshes:
    """One scope's refreshes: numbered as they start, so a caller knows which began after it asked."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    started: int = 0
    finished: int = 0  # the number of the last refresh that finished, whose value follows
    value: Any = None
    callers: int = 0
