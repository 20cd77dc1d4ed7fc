"""Our consumer's throughput next to a bare nats-py pull loop on the same stream (the ratio is the figure).

N registry `resident.registered` events sit in REGISTRY; each consumer of them (its own process, one after
the other, each from the stream's start) handles them with the inbox, up to 20 first deliveries a transaction:
visits projects them and plans each elder's tasks, employment, reports and notify do their part; the bare loop
fetches and acks them. Also the store commands each service sent per event, counted in its process by
`store_commands` from its start until it has caught up (start-up's index checks and its relay's publishing
included, by collection).
Run: .venv/bin/python bench/consumer_throughput.py [events] [services, comma-separated; default all four]
"""
from __future__ import annotations

import asyncio
import sys
import time
import uuid
from datetime import UTC, date, datetime

import nats
from store_commands import ServiceCommands, breakdown, per_operation

from linli_devtools.streams import caught_up
from linli_shared.bus import service_stream
from linli_shared.events import CloudEvent

from common import print_table, servers, service_process


def resident_event(n: int) -> CloudEvent:
    data = {"resident_id": f"r{n}", "community_code": "130303001001", "household_id": None, "name": "王小明",
            "gender": "female", "birth_date": date(1940, 1, 1 + n % 28).isoformat(), "status": "active",
            "residence_type": "registered"}
    return CloudEvent(id=str(uuid.uuid4()), source="/linli/registry", type="linli.registry.resident.registered.v1",
                      subject=f"r{n}", time=datetime.now(UTC), data=data, community="130303001001",
                      traceparent="00-" + "a" * 32 + "-" + "b" * 16 + "-01", aggregateversion=1)


async def fill(nats_url: str, events: int) -> None:
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    await js.add_stream(service_stream("registry").config())
    for n in range(events):
        event = resident_event(n)
        await js.publish(event.nats_subject, event.model_dump_json().encode(), headers={"Nats-Msg-Id": event.id})
    await nc.close()


async def bare_loop(nats_url: str, events: int) -> float:
    nc = await nats.connect(nats_url)
    sub = await nc.jetstream().pull_subscribe("linli.registry.>", durable="bare-loop", stream="REGISTRY")
    started, seen = time.perf_counter(), 0
    while seen < events:
        for msg in await sub.fetch(50, timeout=5):
            await msg.ack()
            seen += 1
    elapsed = time.perf_counter() - started
    await nc.close()
    return elapsed


CONSUMERS = {"visits": "projection + tasks + inbox", "employment": "projection + seekers + inbox",
             "reports": "projection + figures + inbox", "notify": "rules + inbox"}


async def ours(nats_url: str, service: str, started: float) -> float:
    while not await caught_up(nats_url, "REGISTRY", f"{service}-registry-v1"):
        await asyncio.sleep(0.05)
    return time.perf_counter() - started


def main(events: int = 1000, services: str = ",".join(CONSUMERS)) -> None:
    rows, breakdowns = [], []
    with ServiceCommands() as store, servers() as (nats_server, mongo):
        asyncio.run(fill(nats_server.url, events))
        bare = asyncio.run(bare_loop(nats_server.url, events))
        rows.append(["bare nats-py pull loop (fetch 50, ack)", events, round(bare, 2), round(events / bare), "", "",
                     0])
        for service in services.split(","):  # one at a time, each on its own durable and database
            before = store.snapshot()
            started = time.perf_counter()
            with service_process(service, nats_server, mongo, extra_env=store.env):
                elapsed = asyncio.run(ours(nats_server.url, service, started))
                commands, cpu = store.snapshot() - before, store.cpu_seconds()
            rows.append([f"{service} consumer ({CONSUMERS[service]}, 20 events a transaction)", events,
                         round(elapsed, 2), round(events / elapsed), round(elapsed / bare, 1),
                         round(cpu * 1000 / events, 2), per_operation(commands, events)])
            breakdowns.append(f"  {service}: {breakdown(commands, events)}")
    print_table("Consumer throughput (events/s) from the service's start until its durable has caught up",
                ["consumer", "events", "seconds", "per second", "× bare", "CPU ms/event", "store cmds/event"], rows)
    print("\nCPU ms/event: the service process's CPU time from its start (imports included) until caught up, per "
          "event; steadier than seconds on a busy machine.")
    print("\nStore commands per event, by command and collection (start-up's and the relay's included):")
    print("\n".join(breakdowns))


if __name__ == "__main__":
    main(*[int(a) if i == 0 else a for i, a in enumerate(sys.argv[1:])])
