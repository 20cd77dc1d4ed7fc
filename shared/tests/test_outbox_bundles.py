"""A bulk transaction's events go to the outbox in bundles: published in order, each once, parked together."""
from __future__ import annotations

from linli_shared.outbox import BUNDLE_EVENTS, Outbox, OutboxRelay

from outbox_support import published_numbers, relay_for, written


async def drain(relay: OutboxRelay) -> None:
    for _ in range(10):
        if not await relay.publish_pending():
            return


async def test_a_bulk_transaction_writes_bundles_whose_events_are_published_in_order_once(wire) -> None:
    outbox = Outbox(wire.db)
    count = 2 * BUNDLE_EVENTS + 3
    await written(wire, outbox, [(n, f"thing-{n % 7}") for n in range(count)], bulk=True)
    await written(wire, outbox, [(count, "thing-0")], bulk=False)

    assert await outbox.collection.count_documents({}) == 3 + 1
    await drain(relay_for(wire, outbox))
    await outbox.collection.update_many({}, {"$set": {"state": "pending"}})  # as if the marks were lost
    await drain(relay_for(wire, outbox))

    assert await published_numbers(wire) == list(range(count + 1))
    assert await outbox.pending_count() == 0


async def test_a_batch_is_about_as_many_events_as_the_relay_takes_however_they_are_bundled(wire) -> None:
    outbox = Outbox(wire.db)
    await written(wire, outbox, [(n, f"thing-{n}") for n in range(2 * BUNDLE_EVENTS + 3)], bulk=True)
    relay = relay_for(wire, outbox, batch=BUNDLE_EVENTS)

    assert [await relay.publish_pending() for _ in range(4)] == [BUNDLE_EVENTS, BUNDLE_EVENTS, 3, 0]


async def test_a_parked_bundle_holds_back_the_later_entries_of_each_of_its_aggregates(wire) -> None:
    outbox = Outbox(wire.db)
    await written(wire, outbox, [(0, "a"), (1, "b")], bulk=True)
    await written(wire, outbox, [(2, "b")], bulk=False)
    await written(wire, outbox, [(3, "c")], bulk=False)
    await outbox.collection.update_one({"envelopes": {"$exists": True}},
                                       {"$set": {"envelopes": ["not an event", "not one either"]}})

    await drain(relay_for(wire, outbox))

    assert await published_numbers(wire) == [3]
    assert await outbox.parked_aggregates({"a", "b", "c"}) == {"a", "b"}
    assert await outbox.collection.count_documents({"state": "parked"}) == 2
