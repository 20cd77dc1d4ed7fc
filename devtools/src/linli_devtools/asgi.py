"""Run service apps in-process for tests: lifespan (so relays and consumers run), clients, polling."""
from __future__ import annotations

import asyncio
import inspect
import time
from typing import Any, Awaitable, Callable

import httpx
from fastapi import FastAPI


def client(app: FastAPI, token: str | None, base_url: str = "http://service") -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url, headers=headers)


async def eventually(check: Callable[[], Awaitable[Any] | Any], timeout: float = 15.0, interval: float = 0.05) -> Any:
    """Poll until `check()` (a coroutine function or a plain one) returns something truthy; fail at the deadline.

    Events cross the bus asynchronously, so a test waits for their effect rather than sleeping.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last result: {result!r})")
        await asyncio.sleep(interval)
