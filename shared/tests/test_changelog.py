"""Kept copies catch up from a change log: only with no gap after the kept version, only while none can be pruned."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import pytest

from linli_shared.changelog import ChangeLog, unbroken_through
from linli_shared.kept import KeptPartitions


@pytest.mark.parametrize(("kept", "versions", "reached"), [
    (4, [], 4),  # nothing changed since
    (4, [5, 6, 7], 7),
    (0, [1], 1),  # the first write of a scope
    (4, [6, 7], None),  # version 5 pruned, or written before the log existed
    (4, [5, 7], None),
    (4, [4, 5], None),  # not after the kept version: not the right range
])
def test_versions_must_continue_the_kept_one_by_one(kept: int, versions: list[int], reached: int | None) -> None:
    assert unbroken_through(kept, versions) == reached


LOG = ChangeLog(versions="thing_versions", changes="thing_changes")


@dataclass(frozen=True)
class Things:
    version: int
    values: dict[str, int]


class KeptThings(KeptPartitions[Things]):
    def __init__(self) -> None:
        super().__init__(LOG, kept=2)

    async def read_all(self, db: Any, scope: str, version: int) -> Things:
        return Things(version, {d["_id"]: d["n"] for d in await db.things.find({"scope": scope}).to_list()})

    async def with_changes(self, db: Any, scope: str, kept: Things, version: int, ids: set[str]) -> Things:
        changed = await db.things.find({"_id": {"$in": sorted(ids)}}).to_list()
        return Things(version, {**kept.values, **{d["_id"]: d["n"] for d in changed}})


async def _write(wire, scope: str, **values: int) -> None:
    async def work(tx) -> None:
        for thing, n in values.items():
            await tx.db.things.update_one({"_id": thing}, {"$set": {"scope": scope, "n": n}}, upsert=True,
                                          session=tx.session)
        await LOG.bump(tx, scope, set(values))
    await wire.uow.run(work)


async def _prune(wire, scope: str, version: int) -> None:
    assert (await wire.db[LOG.changes].delete_one({"_id": {"$regex": f"^{scope}:"}, "version": version})).deleted_count


async def test_a_kept_copy_catches_up_from_the_log_alone(wire) -> None:
    kept = KeptThings()
    await _write(wire, "a", x=1, y=1)
    assert (await kept.of(wire.db, "a")).values == {"x": 1, "y": 1}
    await _write(wire, "a", y=2)
    await _write(wire, "a", z=3)
    await _write(wire, "b", x=9)  # another scope's writes are not this one's changes
    assert await kept.of(wire.db, "a") == Things(3, {"x": 1, "y": 2, "z": 3})
    assert kept.full_reads == 1


async def _kept_before_a_pruned_change(wire, *later: dict[str, int]) -> KeptThings:
    """A copy of scope "a" kept at version 1, then the `later` writes, of which the log has lost the first."""
    kept = KeptThings()
    await _write(wire, "a", x=1)
    await kept.of(wire.db, "a")
    for values in later:
        await _write(wire, "a", **values)
    await _prune(wire, "a", 2)
    return kept


async def test_a_gap_in_the_log_means_a_full_read(wire) -> None:
    kept = await _kept_before_a_pruned_change(wire, {"x": 2}, {"y": 1})
    assert await kept.of(wire.db, "a") == Things(3, {"x": 2, "y": 1})
    assert kept.full_reads == 2


async def test_a_copy_older_than_the_log_is_read_whole(wire) -> None:
    """All entries after it may have been pruned: an empty log says nothing about such a copy."""
    kept = await _kept_before_a_pruned_change(wire, {"x": 2})
    kept.trusted_seconds = 0  # as if it had last been checked more than the log's retention ago
    assert await kept.of(wire.db, "a") == Things(2, {"x": 2})
    assert kept.full_reads == 2


class SlowThings(KeptThings):
    """Reads a scope whole, then waits for the test to let the read finish."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()

    async def read_all(self, db: Any, scope: str, version: int) -> Things:
        things = await super().read_all(db, scope, version)
        await self.gate.wait()
        return things


async def test_callers_waiting_on_a_cold_scope_share_one_whole_read(wire) -> None:
    kept = SlowThings()
    await _write(wire, "a", x=1)
    callers = [asyncio.create_task(kept.of(wire.db, "a")) for _ in range(5)]
    await asyncio.sleep(0.2)
    kept.gate.set()
    assert {thing.values["x"] for thing in await asyncio.gather(*callers)} == {1}
    assert kept.full_reads == 1


async def test_a_caller_never_takes_a_refresh_that_began_before_it_asked(wire) -> None:
    """Its own write may have landed after that refresh read the scope."""
    kept = SlowThings()
    await _write(wire, "a", x=1)
    first = asyncio.create_task(kept.of(wire.db, "a"))
    await asyncio.sleep(0.2)  # the first caller has read x=1 and waits at the gate
    await _write(wire, "a", x=2)
    second = asyncio.create_task(kept.of(wire.db, "a"))
    await asyncio.sleep(0.05)
    kept.gate.set()
    assert ((await first).values["x"], (await second).values["x"]) == (1, 2)
    assert kept.full_reads == 1  # the second caught up from the log
