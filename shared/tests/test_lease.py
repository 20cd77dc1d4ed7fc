"""The singleton lease: one holder at a time, renewed without a store write on every poll."""
from __future__ import annotations

import asyncio

from linli_shared.lease import LEASES, Lease


async def test_one_holder_at_a_time_until_release(wire) -> None:
    first, second = Lease(wire.db, "relay", "a"), Lease(wire.db, "relay", "b")
    assert await first.acquire()
    assert not await second.acquire()
    await first.release()
    assert await second.acquire()
    assert not await first.acquire()


async def test_a_fresh_hold_is_trusted_without_a_write(wire) -> None:
    lease = Lease(wire.db, "relay", "a", ttl_seconds=60)
    assert await lease.acquire()
    written = await wire.db[LEASES].find_one({"_id": "relay"})
    for _ in range(5):
        assert await lease.acquire()
    assert await wire.db[LEASES].find_one({"_id": "relay"}) == written


async def test_an_expired_lease_passes_to_another_owner_and_the_old_one_knows(wire) -> None:
    first, second = Lease(wire.db, "relay", "a", ttl_seconds=0.4), Lease(wire.db, "relay", "b", ttl_seconds=0.4)
    assert await first.acquire()
    await asyncio.sleep(0.5)
    assert await second.acquire()
    assert not await first.acquire()
    assert (await wire.db[LEASES].find_one({"_id": "relay"}))["owner"] == "b"
