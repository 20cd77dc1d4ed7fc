"""An urgent lane's transaction goes before the bulk lane's next one, though both write the same document.

Every commit of a service may write one shared document (visits bumps its community's statistics version), and
two transactions writing one document cannot both commit: the later writer is aborted and run again. A bulk lane
committing back to back left an urgent transaction no room: it was retried until the backlog was done."""
from __future__ import annotations

import asyncio
from typing import ClassVar

from linli_shared.consumer import ConsumerRunner
from linli_shared.events import EventData, new_event
from linli_shared.subscriptions import Subscription

from outbox_support import COMMUNITY, published_numbers, relay_for, written

BACKLOG = 12
RELAYED = 200


class Hospitalised(EventData):
    TYPE: ClassVar[str] = "linli.source.resident.hospitalised.v1"
    resident: str


async def bump(tx) -> None:
    await tx.db["versions"].update_one({"_id": COMMUNITY}, {"$inc": {"version": 1}}, upsert=True, session=tx.session)


async def test_an_urgent_transaction_waits_only_for_the_bulk_transaction_already_running(wire):
    holding, release = asyncio.Event(), asyncio.Event()
    urgent_done_before: dict[int, bool] = {}  # each bulk transaction: was the urgent one committed when it began

    async def bulk(event, tx) -> None:
        await bump(tx)  # first, so it holds the document for the whole transaction
        urgent_done_before[event.data["n"]] = await wire.count("tasks") == 1
        if event.data["n"] == 0:
            holding.set()
            await release.wait()
        await tx.db["residents"].insert_one({"_id": event.data["n"]}, session=tx.session)

    async def urgent(event, tx) -> None:
        await tx.db["tasks"].insert_one({"_id": event.data["resident"]}, session=tx.session)
        await tx.db["residents"].find_one({"_id": 0}, session=tx.session)
        await bump(tx)

    await wire.publish(*(wire.event(n) for n in range(BACKLOG)))
    await wire.start("testsvc-bulk-v1", bulk, first_deliveries_per_transaction=1)
    await holding.wait()

    runner = ConsumerRunner(wire.bus, wire.uow, Subscription(
        "testsvc-urgent-v1", "SOURCE", {Hospitalised.TYPE: urgent}, urgent=True), wire.uow.service)
    await runner.start()
    wire.runners.append(runner)
    await wire.publish(new_event(Hospitalised(resident="r-1"), service="source", subject="r-1", community=COMMUNITY,
                                 aggregate_version=1))
    while not (await wire.bus.js.consumer_info("SOURCE", "testsvc-urgent-v1")).num_ack_pending:
        await asyncio.sleep(0.01)  # delivered: the urgent transaction is waiting (or, before, retrying)
    release.set()

    while len(urgent_done_before) < BACKLOG or await wire.count("tasks") == 0:
        await asyncio.sleep(0.02)
    behind = [n for n in range(BACKLOG) if not urgent_done_before[n]]
    assert behind in ([0], [0, 1])  # the bulk transaction running, and at most the one starting as it arrived
    assert await wire.count("residents") == BACKLOG


async def test_the_relay_starts_no_batch_while_an_urgent_transaction_waits_or_runs(wire):
    """A bulk commit wakes the relay and lets the urgent transaction in at the same moment: the relay's batch waits,
    so the store serves the urgent transaction alone; then everything pending goes, its entries with it."""
    outbox = wire.uow.outbox
    await written(wire, outbox, [(n, f"thing-{n}") for n in range(RELAYED)])
    relay = relay_for(wire, outbox, batch=20)

    async def sent() -> int:
        return await outbox.collection.count_documents({"state": "sent"})

    async with outbox.lanes.urgent():
        relaying = asyncio.create_task(relay.run())
        for _ in range(100):  # an urgent transaction's round trips
            await wire.db["tasks"].find_one({})
        sent_meanwhile = await sent()
    try:
        assert sent_meanwhile == 0
        while await sent() < RELAYED:
            await asyncio.sleep(0.02)
        assert sorted(await published_numbers(wire)) == list(range(RELAYED))
    finally:
        relaying.cancel()
        await asyncio.gather(relaying, return_exceptions=True)
