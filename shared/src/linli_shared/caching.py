"""Caching primitives for one process: a small LRU and single-flight. Neither knows about the store.

Both take keys that carry the data version they were computed from (`changelog.ChangeLog`), so a
write makes every older entry unreachable instead of having to evict it.
"""
from __future__ import annotations

import asyncio
from collections import OrderedDict
from typing import Any, Callable, Coroutine, Hashable


class VersionedCache:
    """A few recent values in this process, the least recently used pushed out.

    Each key or value carries its partition's data version: a write bumps it, so an entry of older
    data is never served again; two replicas each keep their own and neither serves the other's.
    """

    def __init__(self, kept: int = 32) -> None:
        self.kept, self._entries = kept, OrderedDict[Hashable, Any]()

    def get(self, key: Hashable) -> Any | None:
        if key in self._entries:
            self._entries.move_to_end(key)
        return self._entries.get(key)

    def put(self, key: Hashable, value: Any) -> None:
        self._entries[key] = value
        self._entries.move_to_end(key)
        while len(self._entries) > self.kept:
            self._entries.popitem(last=False)


class InFlight:
    """Concurrent callers of one computation share it (single-flight): the key carries the data version
    it computes.

    The computation runs to the end even if the caller that started it goes away, so the others
    still get its value.
    """

    def __init__(self) -> None:
        self._running: dict[Hashable, asyncio.Task] = {}

    async def run(self, key: Hashable, compute: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
        task = self._running.get(key)
        if task is None:
            self._running[key] = task = asyncio.create_task(compute())
            task.add_done_callback(lambda _: self._running.pop(key, None))
        return await asyncio.shield(task)
