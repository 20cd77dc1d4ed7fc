"""Bounded waits for the background loops (relay, delivery, imports, consumers) that shutdown can cancel.

Not `asyncio.wait_for`: on Python 3.11 it swallows a cancellation that arrives just as the awaited
thing finishes (CPython gh-86296, fixed in 3.12). A relay cancelled at shutdown a moment after a
commit woke it would run on, and the service's stop hung. `asyncio.timeout` lets it through.
"""
from __future__ import annotations

import asyncio
from typing import Awaitable, TypeVar

T = TypeVar("T")


async def set_within(event: asyncio.Event, seconds: float) -> bool:
    """Wait until `event` is set, at most `seconds`; True if it was."""
    try:
        async with asyncio.timeout(seconds):
            await event.wait()
    except TimeoutError:
        return False
    return True


class Doorbell:
    """Wakes a polling loop early: whoever makes new work rings; the loop sleeps until rung or the poll is due."""

    def __init__(self) -> None:
        self._rung = asyncio.Event()

    def ring(self) -> None:
        self._rung.set()

    async def wait(self, seconds: float) -> None:
        await set_within(self._rung, seconds)
        self._rung.clear()


async def within(seconds: float, awaitable: Awaitable[T]) -> T:
    """Await `awaitable`, raising TimeoutError after `seconds`."""
    async with asyncio.timeout(seconds):
        return await awaitable
