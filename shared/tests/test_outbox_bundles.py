"""A bulk transaction's events go to the outbox in bundles: published in order, each once, parked together."""
from __future__ import annotations

import json
from typing import ClassVar

from linli_shared.bus import Bus
from linli_shared.events import EventData
from linli_shared.lease import Lease
from linli_shared.outbox import BUNDLE_EVENTS, Outbox, OutboxRelay, UnitOfWork

SERVICE = "source"  # what the wire fixture's SOURCE stream carries
COMMUNITY = "130303001001"


class ThingNoted(EventData):
    TYPE: ClassVar[str] = "linli.source.thing.noted.v1"
    n: int


async def written(wire, outbox: Outbox, things: list[tuple[int, str]], bulk: bool) -> None:
    async def work(tx) -> None:
        for n, aggregate in things:
            tx.emit(ThingNoted(n=n), subject=aggregate, community=COMMUNITY, aggregate_version=n)
    await UnitOfWork(wire.uow.client, wire.db, SERVICE, outbox).run(work, bulk=bulk)


async def published_numbers(wire) -> list[int]:
    info = await wire.bus.js.stream_info("SOURCE")
    if not info.state.messages:
        return []
    return [json.loads((await wire.bus.js.get_msg("SOURCE", seq)).data)["data"]["n"]
            for seq in range(info.state.first_seq, info.state.last_seq + 1)]


def relay_for(wire, outbox: Outbox, bus: Bus | None = None, **options) -> OutboxRelay:
    return OutboxRelay(outbox, bus or wire.bus, Lease(wire.db, "relay-test", "me"), SERVICE, count_every=0,
                       **options)


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
