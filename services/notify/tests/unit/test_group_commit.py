"""Sends that finish together record their outcomes in one write; one bad outcome fails only its own send."""
from __future__ import annotations

import asyncio

import pytest

from linli_notify.service_layer.group_commit import GroupCommit


async def test_outcomes_submitted_while_a_write_runs_go_together_in_the_next_write() -> None:
    writes: list[list[int]] = []
    first_started = asyncio.Event()

    async def write(items: list[int]) -> list[int]:
        writes.append(items)
        first_started.set()
        await asyncio.sleep(0.01)
        return [item * 10 for item in items]

    group: GroupCommit[int, int] = GroupCommit()
    first = asyncio.create_task(group.submit(0, write))
    await first_started.wait()
    results = await asyncio.gather(first, *(group.submit(n, write) for n in range(1, 6)))
    assert results == [0, 10, 20, 30, 40, 50]
    assert writes == [[0], [1, 2, 3, 4, 5]]


async def test_a_failing_write_of_several_is_retried_one_by_one_and_fails_only_the_bad_item() -> None:
    async def write(items: list[int]) -> list[int]:
        if 3 in items:
            raise ValueError("item 3 cannot be written")
        return items

    group: GroupCommit[int, int] = GroupCommit()
    blocker = asyncio.Event()

    async def slow(items: list[int]) -> list[int]:
        await blocker.wait()
        return items

    first = asyncio.create_task(group.submit(0, slow))
    await asyncio.sleep(0)
    rest = [asyncio.create_task(group.submit(n, write)) for n in range(1, 5)]
    await asyncio.sleep(0)
    blocker.set()
    assert await first == 0
    outcomes = await asyncio.gather(*rest, return_exceptions=True)
    assert outcomes[:2] == [1, 2] and outcomes[3] == 4
    with pytest.raises(ValueError, match="item 3"):
        raise outcomes[2]
