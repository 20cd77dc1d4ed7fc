"""Bounded waits that a shutdown can always cancel, and a stop that cannot hang on a loop that will not."""
from __future__ import annotations

import asyncio

import pytest
from structlog.testing import capture_logs

from linli_shared.runtime import _cancel
from linli_shared.waiting import Doorbell, set_within, within


async def test_set_within_says_whether_the_event_came() -> None:
    event = asyncio.Event()
    assert not await set_within(event, 0.01)
    asyncio.get_running_loop().call_later(0.01, event.set)
    assert await set_within(event, 5)


async def test_within_raises_after_the_limit() -> None:
    assert await within(5, asyncio.sleep(0, "done")) == "done"
    with pytest.raises(TimeoutError):
        await within(0.01, asyncio.sleep(5))


@pytest.mark.parametrize("ticks", range(5))
async def test_a_relay_woken_as_shutdown_cancels_it_still_stops(ticks: int) -> None:
    """The CI hang: a commit rings the relay, and the cancel lands a few loop ticks later.

    With `asyncio.wait_for` on Python 3.11 the wait returned normally, the loop went round again,
    and the service's stop waited for it for ever.
    """
    new_entries = Doorbell()

    async def relay_loop() -> None:
        while True:
            await new_entries.wait(10)

    relay = asyncio.create_task(relay_loop())
    await asyncio.sleep(0)
    new_entries.ring()
    for _ in range(ticks):
        await asyncio.sleep(0)
    relay.cancel()
    await asyncio.wait({relay}, timeout=1)
    assert relay.cancelled()


async def test_stop_names_a_loop_that_will_not_stop_and_goes_on() -> None:
    refusing = True

    async def stubborn() -> None:
        while True:
            try:
                await asyncio.sleep(1)
            except asyncio.CancelledError:
                if not refusing:
                    raise

    async def polite() -> None:
        await asyncio.sleep(60)

    tasks = {"stubborn": asyncio.create_task(stubborn()), "polite": asyncio.create_task(polite())}
    await asyncio.sleep(0)
    with capture_logs() as logs:
        await within(5, _cancel(tasks, grace=0.2))
    assert tasks["polite"].cancelled()
    assert [entry["tasks"] for entry in logs if entry["event"] == "service.task_stuck"] == [["stubborn"]]
    refusing = False
    tasks["stubborn"].cancel()
    await asyncio.gather(tasks["stubborn"], return_exceptions=True)
