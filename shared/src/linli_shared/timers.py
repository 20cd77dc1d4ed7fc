"""Periodic jobs under a lease: two replicas never run the same timer at once."""
from __future__ import annotations

import asyncio
from typing import Awaitable, Callable

from linli_shared.lease import Lease
from linli_shared.logging import get_logger
from linli_shared.metrics import TIMER_INTERVAL, TIMER_LAST_SUCCESS, TIMER_RUNS

log = get_logger()


def periodic(name: str, lease: Lease, interval: float, job: Callable[[], Awaitable[object]]):
    """A worker loop for `ServiceRuntime.workers`: run `job` every `interval` seconds while holding `lease`."""
    async def loop() -> None:
        TIMER_INTERVAL.labels(name).set(interval)  # the alert rule's yardstick: no success for 3 intervals
        while True:
            try:
                if await lease.acquire():
                    await _holding(lease, job)
                    TIMER_RUNS.labels(name, "ok").inc()
                    # a timestamp, not just a count: "no success for 3 intervals" is then one alert rule
                    TIMER_LAST_SUCCESS.labels(name).set_to_current_time()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a failed run is logged and retried next interval, never fatal
                TIMER_RUNS.labels(name, "failed").inc()
                log.error("timer.failed", timer=name, error=str(exc), error_type=type(exc).__name__, exc_info=exc)
            await asyncio.sleep(interval)
    return loop


async def _holding(lease: Lease, job: Callable[[], Awaitable[object]]) -> None:
    """Keep renewing the lease while a long job runs, so no other replica takes it over midway."""
    async def renew() -> None:
        while True:
            await asyncio.sleep(lease.ttl.total_seconds() / 3)
            await lease.acquire()

    renewer = asyncio.create_task(renew())
    try:
        await job()
    finally:
        renewer.cancel()
        await asyncio.gather(renewer, return_exceptions=True)
