"""An entry the bus will not take is parked, with the later entries of its aggregate, and stops nothing else."""
from __future__ import annotations

import json

import pytest
from prometheus_client import REGISTRY
from structlog.testing import capture_logs

from linli_shared.bus import Bus, StreamSpec
from linli_shared.errors import Problem
from linli_shared.outbox import EVENT_BUDGET_BYTES, Outbox, OutboxRelay, UnitOfWork
from linli_shared.outbox_cli import release, status

from outbox_support import COMMUNITY, SERVICE, ThingNoted, entry_of, published_numbers, relay_for, written

OVER_MAX_PAYLOAD = "x" * 1_100_000  # the test server's max_payload is NATS's default, 1 MB


def parked_total() -> float:
    return REGISTRY.get_sample_value("linli_outbox_parked_total", {"service": SERVICE}) or 0


async def three_things(wire) -> Outbox:
    """An outbox holding things 0, 1 and 2, each its own aggregate."""
    outbox = Outbox(wire.db)
    await written(wire, outbox, [(n, f"thing-{n}") for n in range(3)])
    return outbox


async def set_data(outbox: Outbox, n: int, **data) -> None:
    """Change an entry's stored event as if it had been written so (before the size budget existed)."""
    entry = await entry_of(outbox, n)
    envelope = json.loads(entry["envelope"])
    envelope["type"] = data.pop("type", envelope["type"])
    envelope["data"].update(data)
    await outbox.collection.update_one({"_id": entry["_id"]}, {"$set": {
        "envelope": json.dumps(envelope, separators=(",", ":"))}})


async def drain(relay: OutboxRelay) -> None:
    for _ in range(10):
        if not await relay.publish_pending():
            return


async def test_an_event_over_the_size_budget_is_refused_before_commit_and_nothing_is_written(wire) -> None:
    async def work(tx) -> None:
        await tx.db["things"].insert_one({"_id": "thing-1"}, session=tx.session)
        tx.emit(ThingNoted(n=1, note="x" * EVENT_BUDGET_BYTES), subject="thing-1", community=COMMUNITY,
                aggregate_version=1)

    with pytest.raises(Problem) as refused:
        await UnitOfWork(wire.uow.client, wire.db, SERVICE, Outbox(wire.db)).run(work)

    assert (refused.value.status, refused.value.code) == (413, "event.too_large")
    assert ThingNoted.TYPE in refused.value.detail
    assert await wire.count("things") == 0 and await wire.count("outbox") == 0


async def test_an_event_just_under_the_budget_is_written(wire) -> None:
    async def work(tx) -> None:
        tx.emit(ThingNoted(n=1, note="x" * (EVENT_BUDGET_BYTES - 1000)), subject="thing-1", community=COMMUNITY,
                aggregate_version=1)

    await UnitOfWork(wire.uow.client, wire.db, SERVICE, Outbox(wire.db)).run(work)
    assert await wire.count("outbox") == 1


async def test_an_entry_too_large_for_the_bus_is_parked_at_once_and_the_entries_after_it_are_published(wire) -> None:
    outbox = Outbox(wire.db)
    await written(wire, outbox, [(n, f"thing-{n}") for n in range(7)])
    await set_data(outbox, 2, note=OVER_MAX_PAYLOAD)
    before = parked_total()

    with capture_logs() as logs:
        await drain(relay_for(wire, outbox))

    assert await published_numbers(wire) == [0, 1, 3, 4, 5, 6]
    parked = await entry_of(outbox, 2)
    assert (parked["state"], parked["attempts"]) == ("parked", 1)
    assert "max_payload" in parked["last_error"]
    assert parked_total() == before + 1
    [line] = [log for log in logs if log["event"] == "outbox.parked"]
    assert line["log_level"] == "error"
    assert (line["event_id"], line["event_type"], line["aggregate"], line["attempts"]) == (
        parked["_id"], ThingNoted.TYPE, "thing-2", 1)
    assert "xxxxxxxx" not in json.dumps(line)  # never the payload
    assert await outbox.pending_count() == 0


async def test_a_later_entry_of_the_same_aggregate_is_parked_behind_it_not_published_ahead(wire) -> None:
    outbox = Outbox(wire.db)
    await written(wire, outbox, [(0, "thing-a"), (1, "thing-b"), (2, "thing-a"), (3, "thing-b")])
    await set_data(outbox, 0, note=OVER_MAX_PAYLOAD)
    relay = relay_for(wire, outbox)
    await drain(relay)
    await written(wire, outbox, [(4, "thing-a"), (5, "thing-b")])  # after the park, in a later batch
    await drain(relay)

    assert await published_numbers(wire) == [1, 3, 5]
    for n in (2, 4):
        behind = await entry_of(outbox, n)
        assert behind["state"] == "parked" and behind["last_error"] == "behind a parked entry of the same aggregate"
    assert (await status(wire.db))["parked"] == 3


async def test_released_entries_are_published_in_their_order_once_the_cause_is_fixed(wire) -> None:
    outbox = Outbox(wire.db)
    await written(wire, outbox, [(0, "thing-a"), (1, "thing-b"), (2, "thing-a")])
    await set_data(outbox, 0, note=OVER_MAX_PAYLOAD)
    relay = relay_for(wire, outbox)
    await drain(relay)
    await set_data(outbox, 0, note="shortened")  # the fix: whatever ops did about the oversize event

    assert await release(wire.db, aggregate="thing-a") == 2
    await drain(relay)

    assert await published_numbers(wire) == [1, 0, 2]
    assert (await status(wire.db))["parked"] == 0


async def test_a_transient_failure_is_retried_and_not_parked_on_the_first_failure(wire) -> None:
    outbox = await three_things(wire)
    await wire.bus.js.delete_stream("SOURCE")  # JetStream answers "no responders" until the stream is back
    relay = relay_for(wire, outbox, max_attempts=3)

    assert [await relay.publish_pending() for _ in range(2)] == [0, 0]
    first = await entry_of(outbox, 0)
    assert (first["state"], first["attempts"]) == ("pending", 0)  # its own stream is down, not the entry
    await wire.bus.ensure_stream(StreamSpec("SOURCE", ("linli.source.>",)))
    await drain(relay)

    assert await published_numbers(wire) == [0, 1, 2]
    assert (await status(wire.db))["parked"] == 0


async def test_an_entry_that_keeps_failing_is_parked_after_max_attempts_and_the_others_go_on(wire) -> None:
    outbox = await three_things(wire)
    await set_data(outbox, 1, type="linli.nowhere.thing.noted.v1")  # a subject no stream takes
    relay = relay_for(wire, outbox, max_attempts=3)

    assert [await relay.publish_pending() for _ in range(3)] == [1, 0, 2]  # 0; retry; parked 1 and sent 2

    assert await published_numbers(wire) == [0, 2]
    parked = await entry_of(outbox, 1)
    assert (parked["state"], parked["attempts"]) == ("parked", 3)


async def test_failures_while_the_bus_is_away_do_not_count_toward_parking(wire) -> None:
    outbox = Outbox(wire.db)
    await written(wire, outbox, [(0, "thing-0")])
    away = await Bus.connect(wire.settings, name="relay-away")
    await away.nc.close()
    relay = relay_for(wire, outbox, bus=away, max_attempts=1)

    assert [await relay.publish_pending() for _ in range(3)] == [0, 0, 0]

    entry = await entry_of(outbox, 0)
    assert (entry["state"], entry["attempts"]) == ("pending", 0)
