"""What a killed consumer had fetched comes back within ack_wait, and what a live one holds never does."""
from __future__ import annotations

import asyncio

import pytest
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from linli_devtools.asgi import eventually
from linli_shared.subscriptions import Subscription

DEFAULT_ACK_WAIT = Subscription("testsvc-probe-v1", "SOURCE", {}).ack_wait


def recording(calls: list[int], delay: float = 0.0):
    async def handle(event, tx):
        calls.append(event.data["n"])
        await asyncio.sleep(delay)
        await tx.db["effects"].insert_one({"n": event.data["n"]}, session=tx.session)
    return handle


@pytest.mark.slow
async def test_a_durable_made_with_the_old_ack_wait_takes_the_new_one_and_a_killed_fetch_comes_back(wire, metric):
    durable = "testsvc-upgraded-v1"
    # As the previous release left it: ack_wait 30 s, and one message fetched by a process then killed.
    await wire.bus.js.add_consumer("SOURCE", config=ConsumerConfig(
        name=durable, durable_name=durable, ack_policy=AckPolicy.EXPLICIT, deliver_policy=DeliverPolicy.ALL,
        filter_subjects=[f"{wire.event(0).type}.>"], ack_wait=30.0, max_deliver=-1))
    await wire.publish(wire.event(1))
    killed = await wire.bus.js.pull_subscribe_bind(durable=durable, stream="SOURCE")
    assert len(await killed.fetch(1, timeout=5)) == 1  # never acked
    await killed.unsubscribe()

    calls: list[int] = []
    new_ack_wait = 1.0  # the release's value is DEFAULT_ACK_WAIT; a shorter one keeps this test short
    await wire.start(durable, recording(calls), ack_wait=new_ack_wait)

    info = await wire.bus.js.consumer_info("SOURCE", durable)
    assert info.config.ack_wait == new_ack_wait and DEFAULT_ACK_WAIT <= 10.0
    # The server redelivers it on the new ack_wait, not the 30 s it was fetched under.
    await eventually(lambda: metric(durable, "handled") == 1, timeout=new_ack_wait + 10)
    assert calls == [1]


async def test_messages_waiting_their_turn_in_a_fetch_are_kept_in_progress(wire, metric):
    """Handled one by one, the last of a fetch waits longer than ack_wait: it must not go to the other replica."""
    calls: list[int] = []
    options = {"ack_wait": 0.6, "first_deliveries_per_transaction": 1}
    await wire.publish(*[wire.event(n) for n in range(4)])
    await wire.start("testsvc-queued-v1", recording(calls, delay=0.4), **options)
    await eventually(lambda: calls)  # the first replica holds the fetch
    await wire.start("testsvc-queued-v1", recording(calls, delay=0.4), **options)  # a second replica, waiting
    await eventually(lambda: metric("testsvc-queued-v1", "handled") == 4)
    await asyncio.sleep(1.0)  # room for a redelivery to show up

    assert sorted(calls) == [0, 1, 2, 3]
    assert metric("testsvc-queued-v1", "duplicate") == 0
    assert await wire.count("effects") == 4
