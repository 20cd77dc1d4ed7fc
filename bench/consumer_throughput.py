"""Our consumer's throughput next to a bare nats-py pull loop on the same stream (the ratio is the figure).

N registry `resident.registered` events sit in REGISTRY; each consumer of them (its own process, one after
the other, each from the stream's start) handles them with the inbox, up to 100 first deliveries a transaction:
visits projects them and plans each elder's tasks, employment, reports and notify do their part; the bare loop
fetches and acks them. Also the store commands each service sent per event, counted in its process by
`store_commands` from its start until it has caught up (start-up's index checks and its relay's publishing
included, by collection).
Run: .venv/bin/python bench/consumer_throughput.py [events] [services, comma-separated; default all four]
"""
from __future__ import annotations

import asyncio
import os
import sys
import time
import uuid
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import nats
from pymongo import AsyncMongoClient
from store_commands import ServiceCommands, breakdown, per_operation

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


async def bare_store(mongo_url: str, events: int, group: int = 100) -> float:
    """The store commands the visits consumer sends for a group of new residents, without the consumer: in one
    transaction the group's inbox entries (one insert), the projection's read and write (`$in`, one insert),
    the planner's four reads (tasks, policies, pairings, life events), the commit. The store's own ceiling."""
    client = AsyncMongoClient(mongo_url)
    db = client["bare_store"]
    started = time.perf_counter()
    for first in range(0, events, group):
        ids = [f"r{n}" for n in range(first, min(first + group, events))]

        async def work(session, ids: list[str] = ids) -> None:
            await db.inbox.insert_many([{"_id": f"bare:{i}", "type": "t", "handled_at": datetime.now(UTC)}
                                        for i in ids], session=session)
            await db.residents.find({"_id": {"$in": ids}}, session=session).to_list()
            await db.residents.insert_many([{"_id": i, **resident_event(0).data, "version": 1} for i in ids],
                                           session=session)
            for name in ("tasks", "policies", "pairings", "life_events"):
                await db[name].find({"resident_id": {"$in": ids}}, session=session).to_list()

        async with client.start_session() as session:
            await session.with_transaction(work)
    elapsed = time.perf_counter() - started
    await client.close()
    return elapsed


CONSUMERS = {"visits": "projection + tasks + inbox", "employment": "projection + seekers + inbox",
             "reports": "projection + figures + inbox", "notify": "rules + inbox"}


class Steady:
    """What a consumer did from its first acknowledged group until it caught up: start-up (imports, indexes,
    binding) left out, so the rate is the consumer's own and comparable with the bare loop's."""

    def __init__(self, store: ServiceCommands, store_pid: int | None) -> None:
        self.store, self.store_pid = store, store_pid
        self.acked = 0
        self.at = 0.0
        self.commands: Counter = Counter()
        self.cpu = self.store_cpu = 0.0

    def mark(self, acked: int) -> None:
        self.acked, self.at = acked, time.perf_counter()
        self.commands, self.cpu = self.store.snapshot(), self.store.cpu_seconds()
        self.store_cpu = _cpu(self.store_pid) if self.store_pid else 0.0


async def ours(nats_url: str, service: str, steady: Steady) -> None:
    """Poll the durable until it has caught up, marking the moment its first group was acknowledged."""
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    try:
        while True:
            info = await js.consumer_info("REGISTRY", f"{service}-registry-v1")
            if not steady.acked and info.ack_floor.stream_seq:
                steady.mark(info.ack_floor.stream_seq)
            if info.num_pending == 0 and info.num_ack_pending == 0:
                return
            await asyncio.sleep(0.005)
    finally:
        await nc.close()


def main(events: int = 1000, services: str = ",".join(CONSUMERS)) -> None:
    rows, breakdowns = [], []
    with ServiceCommands() as store, servers() as (nats_server, mongo):
        store_pid = getattr(getattr(mongo, "proc", None), "pid", None)
        asyncio.run(fill(nats_server.url, events))
        bare = asyncio.run(bare_loop(nats_server.url, events))
        rows.append(["bare nats-py pull loop (fetch 50, ack)", events, round(bare, 2), round(events / bare), "", "",
                     "", "", "", 0])
        store_before = _cpu(store_pid) if store_pid else 0.0
        alone = asyncio.run(bare_store(mongo.url, events))
        store_alone = (_cpu(store_pid) - store_before) * 1000 / events if store_pid else ""
        rows.append(["bare store: the visits group's commands (100 a transaction)", events, round(alone, 2),
                     round(events / alone), round(alone, 2), round(events / alone), "", "",
                     round(store_alone, 3) if store_pid else "", round(9 * -(-events // 100) / events, 2)])
        for service in services.split(","):  # one at a time, each on its own durable and database
            before = store.snapshot()
            started = time.perf_counter()
            steady = Steady(store, store_pid)
            with service_process(service, nats_server, mongo, extra_env=store.env):
                asyncio.run(ours(nats_server.url, service, steady))
                ended, cpu, commands = time.perf_counter(), store.cpu_seconds(), store.snapshot()
                store_cpu = _cpu(store_pid) if store_pid else 0.0
            rest = events - steady.acked
            elapsed, run = ended - started, max(ended - steady.at, 1e-6)
            rows.append([f"{service} consumer ({CONSUMERS[service]})", events, round(elapsed, 2),
                         round(events / elapsed), round(run, 2), round(rest / run),
                         round(run / rest / bare * events, 1),
                         round((cpu - steady.cpu) * 1000 / rest, 3),
                         round((store_cpu - steady.store_cpu) * 1000 / rest, 3) if store_pid else "",
                         per_operation(commands - steady.commands, rest)])
            breakdowns.append(f"  {service}: whole run {per_operation(commands - before, events)}: "
                              f"{breakdown(commands - before, events)}\n"
                              f"    steady {per_operation(commands - steady.commands, rest)}: "
                              f"{breakdown(commands - steady.commands, rest)}")
    print_table("Consumer throughput: from the service's start, and steady (first acked group to caught up)",
                ["consumer", "events", "s from start", "/s from start", "s steady", "/s steady", "× bare",
                 "CPU ms/event", "store CPU ms/event", "store cmds/event"], rows)
    print("\nSteady: from the moment the durable's first group was acknowledged (start-up's imports, indexes and "
          "binding left out) until it caught up, over the events handled meanwhile. CPU ms/event: the service "
          "process's CPU time in that window; store CPU: the store process's (SecantusDB), same window.")
    print("\nStore commands per event, by command and collection (whole run: start-up's and the relay's included):")
    print("\n".join(breakdowns))


def _cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main(*[int(a) if i == 0 else a for i, a in enumerate(sys.argv[1:])])
