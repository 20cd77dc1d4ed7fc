"""The metrics ops alert on: a timer's last success as a timestamp, consumer lag as JetStream counts it."""
from __future__ import annotations

import asyncio
import time

from prometheus_client import REGISTRY

from linli_devtools.asgi import eventually
from linli_shared.consumer_lag import report_consumer_lag
from linli_shared.lease import Lease
from linli_shared.timers import periodic


def _sample(name: str, **labels: str) -> float | None:
    return REGISTRY.get_sample_value(name, labels)


async def test_a_successful_timer_run_sets_its_last_success_timestamp(wire) -> None:
    runs: list[int] = []

    async def job() -> None:
        runs.append(1)
        if len(runs) == 2:
            raise RuntimeError("the second run fails")

    started = time.time()
    loop = asyncio.create_task(periodic("p9-sweep", Lease(wire.db, "p9-sweep", "a"), 0.05, job)())
    try:
        async def ran_three_times() -> bool:
            return len(runs) >= 3
        await eventually(ran_three_times, timeout=5)
    finally:
        loop.cancel()
        await asyncio.gather(loop, return_exceptions=True)
    stamp = _sample("linli_timer_last_success_timestamp_seconds", timer="p9-sweep")
    assert stamp is not None and started <= stamp <= time.time()
    assert _sample("linli_timer_runs_total", timer="p9-sweep", outcome="failed") == 1
    assert _sample("linli_timer_interval_seconds", timer="p9-sweep") == 0.05


async def test_consumer_lag_is_jetstreams_count_reported_by_the_lease_holder_only(wire) -> None:
    await wire.bus.js.add_consumer("SOURCE", durable_name="p9-lagging", ack_policy="explicit")
    await wire.publish(*(wire.event(n) for n in range(5)))
    reader = await wire.bus.js.pull_subscribe_bind("p9-lagging", "SOURCE")
    await reader.fetch(2, timeout=2)  # delivered, never acknowledged
    durables, service = [("SOURCE", "p9-lagging")], wire.settings.service_name
    labels = {"service": service, "consumer": "p9-lagging", "stream": "SOURCE"}

    holder, other = Lease(wire.db, f"{service}.consumer-lag", "a"), Lease(wire.db, f"{service}.consumer-lag", "b")
    assert await report_consumer_lag(wire.bus.js, holder, service, durables)
    assert REGISTRY.get_sample_value("linli_consumer_pending_messages", labels) == 3
    assert REGISTRY.get_sample_value("linli_consumer_ack_pending_messages", labels) == 2

    # Another replica (one registry here, its own in production) reports nothing and drops what it had.
    assert not await report_consumer_lag(wire.bus.js, other, service, durables)
    assert REGISTRY.get_sample_value("linli_consumer_pending_messages", labels) is None
    await reader.unsubscribe()
