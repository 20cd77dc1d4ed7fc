"""Group commit: what many tasks write one at a time, written together by whichever of them goes next."""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


class GroupCommit(Generic[Item, Result]):
    """Items submitted while a write is in flight are written by the next write, all in one: sends that finish
    together record their outcomes in one transaction rather than one each. Each submitter gets its own result.

    A failed write of several is retried one item at a time, so one bad item fails only its own submitter.
    """

    def __init__(self) -> None:
        self._waiting: list[tuple[Item, asyncio.Future[Result]]] = []
        self._writing = asyncio.Lock()

    async def submit(self, item: Item, write: Callable[[list[Item]], Awaitable[list[Result]]]) -> Result:
        done: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, done))
        async with self._writing:
            if not done.done():  # nobody took it while we waited: write everything waiting
                batch, self._waiting = self._waiting, []
                await _write(batch, write)
        return await done


async def _write(batch: list[tuple[Item, asyncio.Future[Result]]],
                 write: Callable[[list[Item]], Awaitable[list[Result]]]) -> None:
    try:
        results = await write([item for item, _ in batch])
    except asyncio.CancelledError:
        for _, done in batch:
            done.cancel()
        raise
    except Exception as exc:
        if len(batch) == 1:
            batch[0][1].set_exception(exc)
            return
        for one in batch:
            await _write([one], write)
        return
    for (_, done), result in zip(batch, results, strict=True):
        done.set_result(result)
