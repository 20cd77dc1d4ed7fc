"""The relay publishes in batches; the pending gauge ops watch counts the whole backlog, not one batch."""
from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import ClassVar

from bson import ObjectId
from prometheus_client import REGISTRY

from linli_shared.events import EventData
from linli_shared.lease import Lease
from linli_shared.outbox import Outbox, OutboxRelay, UnitOfWork

SERVICE = "source"  # what the wire fixture's SOURCE stream carries


class ThingCounted(EventData):
    TYPE: ClassVar[str] = "linli.source.thing.counted.v1"
    n: int


def pending_gauge() -> float:
    return REGISTRY.get_sample_value("linli_outbox_pending", {"service": SERVICE})


async def seven_pending(wire) -> Outbox:
    async def seven_events(tx) -> None:
        for n in range(7):
            tx.emit(ThingCounted(n=n), subject=f"thing-{n}", community="130303001001", aggregate_version=1)

    outbox = Outbox(wire.db)
    await UnitOfWork(wire.uow.client, wire.db, SERVICE, outbox).run(seven_events)
    return outbox


async def test_the_pending_gauge_counts_what_is_left_after_each_batch(wire) -> None:
    outbox = await seven_pending(wire)
    relay = OutboxRelay(outbox, wire.bus, Lease(wire.db, "relay-test", "me"), SERVICE, batch=3, count_every=0,
                        count_share=1)

    assert [(await relay.publish_pending(), pending_gauge()) for _ in range(4)] == [
        (3, 4), (3, 1), (1, 0), (0, 0)]
    assert (await wire.bus.js.stream_info("SOURCE")).state.messages == 7


async def test_a_slow_count_of_the_backlog_is_spaced_out_to_its_share_of_the_time(wire) -> None:
    outbox = await seven_pending(wire)
    counted, count = [], outbox.pending_count

    async def slow_count() -> int:
        counted.append(1)
        await asyncio.sleep(0.3)
        return await count()

    outbox.pending_count = slow_count
    relay = OutboxRelay(outbox, wire.bus, Lease(wire.db, "relay-test", "me"), SERVICE, batch=3, count_every=0,
                        count_share=0.25)  # a count of 0.3 s: the next one 1.2 s later at the soonest

    assert [(await relay.publish_pending(), pending_gauge()) for _ in range(2)] == [(3, 4), (3, 4)]
    assert len(counted) == 1


def writer(wire, outbox: Outbox, start: datetime):
    """Writes entries as if written at `start` + seconds (seq carries the write time)."""
    uow = UnitOfWork(wire.uow.client, wire.db, SERVICE, outbox)

    async def written(numbers_and_seconds: list[tuple[int, int]]) -> None:
        async def work(tx) -> None:
            for n, _ in numbers_and_seconds:
                tx.emit(ThingCounted(n=n), subject=f"thing-{n}", community="130303001001", aggregate_version=1)
        await uow.run(work)
        for n, seconds in numbers_and_seconds:
            await outbox.collection.update_one({"envelope": {"$regex": f'"n":{n}}}'}}, {"$set": {
                "seq": ObjectId.from_datetime(start + timedelta(seconds=seconds))}})
    return written


async def published_numbers(wire) -> list[int]:
    info = await wire.bus.js.stream_info("SOURCE")
    return [json.loads((await wire.bus.js.get_msg("SOURCE", seq)).data)["data"]["n"]
            for seq in range(info.state.first_seq, info.state.last_seq + 1)]


async def test_a_backlog_is_read_window_by_window_without_passing_over_a_late_commit(wire) -> None:
    outbox = Outbox(wire.db)
    written = writer(wire, outbox, datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10))
    await written([(0, 0), (1, 1), (2, 2), (3, 3), (4, 4), (6, 200)])  # 6 is far ahead of the window
    relay = OutboxRelay(outbox, wire.bus, Lease(wire.db, "relay-test", "me"), SERVICE, batch=2, count_every=0)
    assert await relay.publish_pending() == 2
    await written([(5, -60)])  # committed late, written a minute before the backlog's front
    while await relay.publish_pending():
        pass

    assert await published_numbers(wire) == [0, 1, 5, 2, 3, 4, 6]
    assert await outbox.pending_count() == 0 and pending_gauge() == 0


async def test_a_pause_in_the_writes_widens_the_window_instead_of_reading_the_whole_backlog(wire) -> None:
    outbox = Outbox(wire.db)
    written = writer(wire, outbox, datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10))
    await written([(0, 0), (1, 1), (2, 30), (3, 31), (4, 120), (5, 121)])  # pauses of 29 s and 89 s
    reads, pending = [], outbox.pending

    async def recorded(limit: int, written: tuple[datetime, datetime] | None = None) -> list:
        reads.append("window" if written else "everything")
        return await pending(limit, written)

    outbox.pending = recorded
    relay = OutboxRelay(outbox, wire.bus, Lease(wire.db, "relay-test", "me"), SERVICE, batch=2, count_every=0)
    while await relay.publish_pending():
        pass

    assert await published_numbers(wire) == [0, 1, 2, 3, 4, 5]
    assert reads[0] == reads[-1] == "everything"  # the first read, and the last once the window reached now
    assert reads.count("everything") == 2
