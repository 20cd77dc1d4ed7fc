"""Behind a bulk backlog a single entry (a life event) goes first unless its aggregate has something older
pending; a batch is published without waiting for each ack, and a failure in it lets nothing of its
aggregate ahead."""
from __future__ import annotations

from linli_shared.outbox import Outbox

from outbox_support import ThingNoted, entry_of, published_numbers, relay_for, written

BACKLOG = 2000


async def drain(wire, outbox: Outbox, **options) -> None:
    relay = relay_for(wire, outbox, **options)
    while await relay.publish_pending():
        pass


async def state_of(outbox: Outbox, n: int) -> str:
    return (await entry_of(outbox, n))["state"]


async def test_a_single_event_behind_a_bulk_backlog_goes_first_unless_its_aggregate_has_older_ones(wire) -> None:
    outbox = Outbox(wire.db)
    await written(wire, outbox, [(n, f"resident-{n}") for n in range(BACKLOG)], bulk=True)
    await written(wire, outbox, [(BACKLOG, "hospitalised")], bulk=False)  # nothing of it in the backlog
    await written(wire, outbox, [(BACKLOG + 1, f"resident-{BACKLOG - 1}")], bulk=False)  # after its bulk event

    await drain(wire, outbox)

    published = await published_numbers(wire)
    assert sorted(published) == list(range(BACKLOG + 2))  # each once
    assert published.index(BACKLOG) < BACKLOG // 2
    assert published.index(BACKLOG - 1) < published.index(BACKLOG + 1)
    assert [n for n in published if n < BACKLOG] == list(range(BACKLOG))


async def test_a_publish_failing_within_a_batch_lets_no_later_event_of_its_aggregate_onto_the_bus(wire) -> None:
    outbox = Outbox(wire.db)
    await written(wire, outbox, [(0, "a"), (1, "b"), (2, "b"), (3, "c")], bulk=False)
    second = await entry_of(outbox, 1)
    await outbox.collection.update_one({"_id": second["_id"]}, {"$set": {"envelope": second["envelope"].replace(
        ThingNoted.TYPE, "linli.nowhere.thing.noted.v1")}})  # a subject no stream takes

    await drain(wire, outbox, max_attempts=2)
    await drain(wire, outbox, max_attempts=2)

    assert await published_numbers(wire) == [0, 3]
    assert [await state_of(outbox, n) for n in range(4)] == ["sent", "parked", "parked", "sent"]
