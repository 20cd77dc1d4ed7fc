"""A consumer of a stream its producer has not created yet waits quietly, warns once, and binds when it appears."""
from __future__ import annotations

import asyncio
import time
from typing import ClassVar

from structlog.testing import capture_logs

from linli_shared.bus import service_stream
from linli_shared.consumer import ConsumerRunner
from linli_shared.events import EventData, new_event
from linli_shared.subscriptions import Subscription

SERVICE, COMMUNITY = "testsvc", "130303001001"  # the wire fixture's service


class Announced(EventData):
    TYPE: ClassVar[str] = "linli.later.thing.announced.v1"
    n: int


async def effect(event, tx) -> None:
    await tx.db["effects"].insert_one({"event_id": event.id}, session=tx.session)


def warnings(logs: list[dict]) -> list[str]:
    return [entry["event"] for entry in logs if entry["log_level"] in ("warning", "error")]


async def until(predicate, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not await predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


async def test_a_consumer_waits_quietly_for_a_missing_stream_then_warns_once_and_binds_when_it_appears(wire):
    subscription = Subscription("testsvc-later-v1", "LATER", {Announced.TYPE: effect})
    runner = ConsumerRunner(wire.bus, wire.uow, subscription, SERVICE, stream_wait=1.5)
    runner.missing_stream_retry = 0.3
    wire.runners.append(runner)

    with capture_logs() as logs:
        await runner.start()
        await asyncio.sleep(1.0)
        assert warnings(logs) == []  # inside the wait: debug only
        await asyncio.sleep(1.5)
        assert warnings(logs) == ["consumer.stream_missing"]
        await asyncio.sleep(0.7)  # several more slow retries, still one warning
        assert warnings(logs) == ["consumer.stream_missing"]

        await wire.bus.ensure_stream(service_stream("later"))
        await wire.bus.publish(new_event(Announced(n=1), service="later", subject="thing-1", community=COMMUNITY,
                                         aggregate_version=1))
        await until(lambda: wire.count("effects"), timeout=5)

    assert warnings(logs) == ["consumer.stream_missing"]
    missing = next(entry for entry in logs if entry["event"] == "consumer.stream_missing")
    assert (missing["stream"], missing["consumer"]) == ("LATER", "testsvc-later-v1")
    assert missing["waited_s"] >= 1.5
    assert any(entry["event"] == "consumer.resubscribed" for entry in logs)
