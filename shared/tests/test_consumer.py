"""ConsumerRunner against a real NATS server and a real store: once-only, retries, dead letters, stop, restart."""
from __future__ import annotations

import asyncio
import time
from typing import ClassVar
from urllib.parse import unquote

import pytest
from prometheus_client import REGISTRY
from structlog.testing import capture_logs

from linli_devtools.asgi import eventually
from linli_shared.bus import StreamSpec, dead_letter_stream
from linli_shared.consumer import ConsumerRunner
from linli_shared.events import CloudEvent, EventData
from linli_shared.subscriptions import InRuns, PermanentError, Subscription
from linli_shared.tracing import new_traceparent, trace_id_of

DEAD_LETTER_STREAM = dead_letter_stream("testsvc").name


class Echoed(EventData):
    TYPE: ClassVar[str] = "linli.testsvc.thing.echoed.v1"
    n: int




def recording(calls: list[int], fail=lambda event, attempt: None, delay: float = 0.0):
    """A handler that records each call, may fail, and leaves one effect document per success."""
    async def handle(event, tx):
        n = event.data["n"]
        calls.append(n)
        fail(event, calls.count(n))
        await asyncio.sleep(delay)
        await tx.db["effects"].insert_one({"event_id": event.id, "n": n}, session=tx.session)
    return handle


async def dead_letters(wire) -> int:
    return (await wire.bus.js.stream_info(DEAD_LETTER_STREAM)).state.messages


async def test_every_event_is_handled_exactly_once_in_stream_order(wire, metric):
    calls: list[int] = []
    events = [wire.event(n) for n in range(20)]
    await wire.publish(*events)
    for event in events[:5]:  # the same envelope again, past JetStream's de-duplication
        await wire.bus.js.publish(event.nats_subject, event.model_dump_json().encode(),
                                  headers={"Nats-Msg-Id": f"again-{event.id}"})
    await wire.start("testsvc-once-v1", recording(calls))
    await eventually(lambda: metric("testsvc-once-v1", "handled") + metric("testsvc-once-v1", "duplicate") == 25)

    assert calls == list(range(20))
    assert await wire.count("effects") == 20
    assert await wire.count("inbox") == 20
    assert (metric("testsvc-once-v1", "handled"), metric("testsvc-once-v1", "duplicate")) == (20, 5)
    info = await wire.bus.js.consumer_info("SOURCE", "testsvc-once-v1")
    assert (info.num_pending, info.num_ack_pending, info.config.filter_subjects) == (
        0, 0, ["linli.source.thing.happened.v1.>"])


async def test_first_deliveries_share_a_transaction_and_a_failure_splits_the_group(wire, metric):
    """A group commits together or not at all; after a failure each message runs in its own transaction."""
    calls: list[int] = []

    def once(event, attempt):
        if event.data["n"] == 4 and attempt == 1:
            raise RuntimeError("the first try of 4 fails")

    await wire.publish(*[wire.event(n) for n in range(10)])
    with capture_logs() as logs:
        await wire.start("testsvc-group-v1", recording(calls, once), first_deliveries_per_transaction=5)
        await eventually(lambda: metric("testsvc-group-v1", "handled") == 10)
    assert calls == [0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]  # the failed group left nothing behind
    assert await wire.count("effects") == 10 and await wire.count("inbox") == 10
    assert metric("testsvc-group-v1", "retry") == 0  # the split is not a redelivery: 4 succeeded in its own transaction
    assert [entry["size"] for entry in logs if entry["event"] == "consumer.group_split"] == [5]
    assert [entry.get("group") for entry in logs if entry["event"] == "consumer.handled"] == [1] * 5 + [5] * 5


async def test_a_handler_in_runs_gets_a_groups_events_in_one_call_and_one_at_a_time_after_a_split(wire, metric):
    runs: list[list[int]] = []

    async def handle(events, tx):
        runs.append([event.data["n"] for event in events])
        if len(events) > 1 and 7 in runs[-1]:
            raise RuntimeError("the run with 7 fails as a whole")
        await tx.db["effects"].insert_many([{"event_id": e.id, "n": e.data["n"]} for e in events], session=tx.session)

    await wire.publish(*[wire.event(n) for n in range(10)])
    await wire.start("testsvc-runs-v1", InRuns(handle), first_deliveries_per_transaction=5)
    await eventually(lambda: metric("testsvc-runs-v1", "handled") == 10)

    assert runs == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [5], [6], [7], [8], [9]]
    assert await wire.count("effects") == 10 and await wire.count("inbox") == 10


async def test_a_failing_event_is_redelivered_with_back_off_then_handled_once(wire, metric):
    calls: list[int] = []
    times: list[float] = []

    def flaky(event, attempt):
        if event.data["n"] == 3:
            times.append(time.monotonic())
            if attempt <= 2:
                raise RuntimeError(f"not yet ({attempt})")

    await wire.publish(*[wire.event(n) for n in range(5)])
    with capture_logs() as logs:
        await wire.start("testsvc-flaky-v1", recording(calls, flaky), backoff=(0.3, 0.3),
                         first_deliveries_per_transaction=1)
        await eventually(lambda: metric("testsvc-flaky-v1", "handled") == 5)

    assert calls.count(3) == 3
    assert await wire.count("effects", {"n": 3}) == 1
    assert metric("testsvc-flaky-v1", "retry") == 2
    retries = [log for log in logs if log["event"] == "consumer.retry_scheduled"]
    assert [(log["attempt"], log["delay_s"], log["error"]) for log in retries] == [
        (1, 0.3, "RuntimeError: not yet (1)"), (2, 0.3, "RuntimeError: not yet (2)")]
    assert times[1] - times[0] >= 0.29 and times[2] - times[1] >= 0.29


async def test_a_poison_event_is_dead_lettered_after_max_deliver_without_blocking_the_rest(wire, metric):
    calls: list[int] = []

    def poison(event, attempt):
        if event.data["n"] == 2:
            raise ValueError("不能处理 this one")

    events = [wire.event(n) for n in range(6)]
    await wire.publish(*events)
    await wire.start("testsvc-poison-v1", recording(calls, poison), max_deliver=3, backoff=(0.1,),
                     first_deliveries_per_transaction=1)
    await eventually(lambda: metric("testsvc-poison-v1", "dead_lettered") == 1
                     and metric("testsvc-poison-v1", "handled") == 5)

    assert calls.count(2) == 3
    assert sorted(doc["n"] for doc in await wire.db["effects"].find().to_list()) == [0, 1, 3, 4, 5]
    assert await dead_letters(wire) == 1
    letter = await wire.bus.js.get_msg(DEAD_LETTER_STREAM, seq=1)
    poisoned = events[2]
    assert letter.subject == "linli.deadletter.testsvc.testsvc-poison-v1"
    assert letter.data == poisoned.model_dump_json().encode()
    headers = dict(letter.headers)
    assert unquote(headers.pop("Linli-Error")) == "ValueError: 不能处理 this one"
    assert headers == {"Linli-Original-Subject": poisoned.nats_subject, "Linli-Consumer": "testsvc-poison-v1",
                       "Linli-Deliveries": "3", "Linli-Event-Id": poisoned.id,
                       "Linli-Event-Type": poisoned.type, "Nats-Msg-Id": f"dlq:testsvc-poison-v1:{poisoned.id}:3"}
    assert REGISTRY.get_sample_value("linli_consumer_dead_lettered_total",
                                     {"service": "testsvc", "consumer": "testsvc-poison-v1"}) == 1
    info = await wire.bus.js.consumer_info("SOURCE", "testsvc-poison-v1")
    assert (info.num_pending, info.num_ack_pending) == (0, 0)


async def test_permanent_errors_and_malformed_envelopes_are_dead_lettered_on_first_delivery(wire, metric):
    calls: list[int] = []

    def permanent(event, attempt):
        raise PermanentError("unknown household")

    await wire.publish(wire.event(1))
    await wire.bus.js.publish("linli.source.thing.happened.v1.130303001001", b"{not json",
                              headers={"Nats-Msg-Id": "garbage-1"})
    await wire.start("testsvc-permanent-v1", recording(calls, permanent))
    await eventually(lambda: metric("testsvc-permanent-v1", "dead_lettered") == 2)

    assert calls == [1]
    first, second = [await wire.bus.js.get_msg(DEAD_LETTER_STREAM, seq=seq) for seq in (1, 2)]
    assert (first.headers["Linli-Deliveries"], unquote(first.headers["Linli-Error"])) == (
        "1", "PermanentError: unknown household")
    assert (second.headers["Linli-Event-Id"], second.headers["Linli-Event-Type"], second.data) == (
        "garbage-1", "malformed", b"{not json")
    assert await wire.count("inbox") == 0


async def test_emitted_events_share_the_handlers_transaction_and_trace(wire, metric):
    async def echo(event, tx):
        n = event.data["n"]
        await tx.db["effects"].insert_one({"n": n}, session=tx.session)
        tx.emit(Echoed(n=n), subject=event.subject, community=event.community, aggregate_version=1)
        if n == 1:
            raise PermanentError("refused after emitting")

    traceparent = new_traceparent()
    await wire.publish(wire.event(0, traceparent=traceparent), wire.event(1))
    await wire.start("testsvc-echo-v1", echo)
    await eventually(lambda: metric("testsvc-echo-v1", "handled") == 1
                     and metric("testsvc-echo-v1", "dead_lettered") == 1)

    entries = await wire.db["outbox"].find().to_list()
    assert [(entry["type"], entry["aggregate"]) for entry in entries] == [(Echoed.TYPE, "thing-0")]
    emitted = CloudEvent.model_validate_json(entries[0]["envelope"])
    assert trace_id_of(emitted.traceparent) == trace_id_of(traceparent)
    assert [doc["n"] for doc in await wire.db["effects"].find().to_list()] == [0]
    assert await wire.count("inbox") == 1


async def test_stop_finishes_the_message_in_flight_and_releases_the_rest(wire, metric):
    calls: list[int] = []
    started = asyncio.Event()

    async def slow(event, tx):
        started.set()
        await recording(calls, delay=1.5 if event.data["n"] == 0 else 0)(event, tx)

    await wire.publish(*[wire.event(n) for n in range(3)])
    # one message in flight, not a group
    runner = await wire.start("testsvc-stop-v1", slow, first_deliveries_per_transaction=1)
    await asyncio.wait_for(started.wait(), 10)
    await runner.stop()

    assert not runner.running
    assert calls == [0] and await wire.count("effects") == 1

    async def acked() -> bool:
        info = await wire.bus.js.consumer_info("SOURCE", "testsvc-stop-v1")
        return (info.ack_floor.stream_seq, info.num_ack_pending) == (1, 2)  # 1 acked; 2 and 3 released
    await eventually(acked, timeout=3)

    # Released (nak'd) messages come back at once, not after ack_wait (30 s).
    await wire.start("testsvc-stop-v1", slow, first_deliveries_per_transaction=1)
    await eventually(lambda: metric("testsvc-stop-v1", "handled") == 3, timeout=5)
    assert calls == [0, 1, 2]
    assert metric("testsvc-stop-v1", "duplicate") == 0
    assert await wire.count("effects") == 3


@pytest.mark.slow
async def test_a_slow_handler_is_kept_in_progress_rather_than_redelivered(wire, metric):
    calls: list[int] = []
    await wire.start("testsvc-slow-v1", recording(calls, delay=2.0), ack_wait=0.6)
    await wire.start("testsvc-slow-v1", recording(calls, delay=2.0), ack_wait=0.6)  # a second replica, waiting
    await wire.publish(wire.event(7))
    await eventually(lambda: metric("testsvc-slow-v1", "handled") == 1)
    await asyncio.sleep(1.0)  # room for a redelivery to show up

    assert calls == [7]
    assert metric("testsvc-slow-v1", "duplicate") == 0
    assert await wire.count("effects") == 1


async def test_a_runner_started_before_its_stream_exists_binds_once_it_appears(wire, metric):
    await wire.bus.js.delete_stream("SOURCE")
    calls: list[int] = []
    runner = await wire.start("testsvc-early-v1", recording(calls))
    assert runner.running
    await wire.bus.ensure_stream(StreamSpec("SOURCE", ("linli.source.>",)))
    await wire.publish(wire.event(1))
    await eventually(lambda: metric("testsvc-early-v1", "handled") == 1, timeout=10)
    assert calls == [1]


@pytest.mark.slow
async def test_the_runner_keeps_consuming_across_a_nats_restart(wire, metric, nats_server):
    if isinstance(nats_server, str):
        pytest.skip("the docker backend's NATS is shared and not restarted by tests")
    calls: list[int] = []
    runner = await wire.start("testsvc-restart-v1", recording(calls))
    await wire.publish(*[wire.event(n) for n in range(10)])
    await eventually(lambda: metric("testsvc-restart-v1", "handled") == 10)

    await asyncio.to_thread(nats_server.restart)
    for n in range(10, 20):
        await _publish_when_back(wire, wire.event(n))
    await eventually(lambda: metric("testsvc-restart-v1", "handled") == 20, timeout=20)

    assert runner.running
    assert sorted(calls) == list(range(20))
    assert await wire.count("effects") == 20 and await wire.count("inbox") == 20


async def _publish_when_back(wire, event, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            await wire.bus.publish(event, timeout=1)
            return
        except Exception:
            assert time.monotonic() < deadline, "NATS did not come back in time"
            await asyncio.sleep(0.1)


async def test_the_runner_recreates_a_consumer_the_server_lost(wire, metric):
    calls: list[int] = []
    await wire.publish(*[wire.event(n) for n in range(3)])
    with capture_logs() as logs:
        await wire.start("testsvc-lost-v1", recording(calls))
        await eventually(lambda: metric("testsvc-lost-v1", "handled") == 3)
        await wire.bus.js.delete_consumer("SOURCE", "testsvc-lost-v1")
        await wire.publish(*[wire.event(n) for n in range(3, 5)])
        await eventually(lambda: metric("testsvc-lost-v1", "handled") == 5, timeout=20)

    assert calls == [0, 1, 2, 3, 4]
    assert metric("testsvc-lost-v1", "duplicate") == 3  # a new durable starts from the beginning; the inbox skips them
    assert [log["event"] for log in logs if log["event"] == "consumer.resubscribed"] == ["consumer.resubscribed"]


async def test_a_silent_subscription_is_noticed_and_replaced(wire, metric):
    calls: list[int] = []
    runner = await wire.start("testsvc-silent-v1", recording(calls))
    runner.watch_every = 0.5
    await wire.bus.nc.subscribe("blackhole.>")  # swallows pull requests: the server never sees them (#504)
    runner._sub._nms = "blackhole.next"
    await wire.publish(*[wire.event(n) for n in range(3)])
    with capture_logs() as logs:
        await eventually(lambda: metric("testsvc-silent-v1", "handled") == 3, timeout=10)

    assert calls == [0, 1, 2]
    [resubscribed] = [log for log in logs if log["event"] == "consumer.resubscribed"]
    assert resubscribed["reason"] == "3 messages waiting but none fetched"


def test_a_durable_is_named_owner_what_version_and_only_its_owner_runs_it():
    """nats.conf grants each service its consumers by name, so the name must say whose it is."""
    def handle(event, tx):
        return None

    assert Subscription("visits-registry-v1", "REGISTRY", {"t": handle}).owner == "visits"
    for bad in ("registry", "visits_registry_v1", "visits.registry-v1", "Visits-registry-v1", "visits-registry"):
        with pytest.raises(ValueError, match="is not <owner>-<what>-v<N>"):
            Subscription(bad, "REGISTRY", {"t": handle})
    with pytest.raises(ValueError, match="notify cannot run visits-registry-v1"):
        ConsumerRunner(None, None, Subscription("visits-registry-v1", "REGISTRY", {"t": handle}), "notify")
