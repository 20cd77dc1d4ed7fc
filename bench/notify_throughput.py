"""Notify throughput and latency: notifications delivered per second to the inbox and to a loopback webhook,
and event-to-inbox latency (p50, p95).

Notify runs as its own process on real NATS and the store (dev sink on: SMS, e-mail and WeCom are logged, webhooks
go out). Source events are published onto NATS as visits' relay would; the webhook receiver verifies every
signature. The webhook rate limit is raised for the run (LINLI_NOTIFY_RATE_WEBHOOK), since the default 50/s is the
limit itself. For each channel also notify's store commands and CPU ms per notification (`store_commands`; a phase
runs from the first publish until the last notification is out). Run: .venv/bin/python bench/notify_throughput.py
[events] [samples]. The inbox phase counts the `notification.delivered` events on the bus (the relay publishes
each after its commit), not the store, so the bench's own polling does not load the store it measures.
"""
from __future__ import annotations

import asyncio
import json
import os
import sys
import time
import uuid
from datetime import UTC, datetime

import httpx
import nats
import uvicorn
from fastapi import FastAPI, Request, Response
from pymongo import AsyncMongoClient
from store_commands import ServiceCommands, breakdown, per_operation

from linli_devtools.servers import free_port
from linli_shared.auth import issue_token
from linli_shared.bus import Bus, service_stream
from linli_shared.events import CloudEvent
from linli_shared.settings import DEV_JWT_SECRET, ServiceSettings

from linli_notify.domain.signing import SIGNATURE_HEADER, verify

from common import percentiles, print_table, servers, service_process

COMMUNITY = "130303001001"
SECRET = "bench-webhook-secret-0123456789"
DB = "bench_notify"


def task_event(verb: str, task_id: str, assignee: str) -> CloudEvent:
    data = {"task_id": task_id, "community_code": COMMUNITY, "resident_id": "r-1", "resident_name": "周凤兰",
            "reason": "routine", "due_from": "2025-03-01", "due_by": "2025-03-10", "assignee": assignee,
            **({"visit_id": "v-1"} if verb == "completed" else {})}
    return CloudEvent(id=str(uuid.uuid4()), source="/linli/visits", type=f"linli.visits.task.{verb}.v1",
                      subject=task_id, time=datetime.now(UTC), data=data, community=COMMUNITY,
                      traceparent=f"00-{uuid.uuid4().hex}-{uuid.uuid4().hex[:16]}-01", aggregateversion=2)


def receiver(counts: dict[str, int]) -> FastAPI:
    app = FastAPI()

    @app.post("/hook")
    async def hook(request: Request) -> Response:
        body = await request.body()
        good = verify(SECRET, request.headers.get(SIGNATURE_HEADER, ""), body, int(time.time()))
        counts["ok" if good else "bad"] += 1
        return Response(status_code=204 if good else 401)

    return app


async def until(check, timeout: float = 600.0) -> None:
    deadline = time.perf_counter() + timeout
    while not await check():
        if time.perf_counter() > deadline:
            raise TimeoutError("the bench did not finish in time")
        await asyncio.sleep(0.01)


async def run(nats_url: str, mongo_url: str, url: str, events: int, samples: int,
              store: ServiceCommands) -> list[list]:
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    db = AsyncMongoClient(mongo_url)[DB]
    admin = httpx.AsyncClient(base_url=url, headers={
        "Authorization": f"Bearer {issue_token(DEV_JWT_SECRET, 'bench-admin', ['admin'], ['130303'])}"})
    worker = httpx.AsyncClient(base_url=url, headers={
        "Authorization": f"Bearer {issue_token(DEV_JWT_SECRET, 'w-lat', ['worker'], [COMMUNITY])}"})
    counts = {"ok": 0, "bad": 0}
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(receiver(counts), host="127.0.0.1", port=port, log_level="warning"))
    serving = asyncio.create_task(server.serve())

    async def publish(e: CloudEvent) -> None:
        await js.publish(e.nats_subject, e.model_dump_json().encode(), headers={"Nats-Msg-Id": e.id})

    try:
        created = await admin.post("/v1/webhooks", json={"org_code": "130303", "url": f"http://127.0.0.1:{port}/hook",
                                                         "event_types": ["linli.visits.task.completed.v1"],
                                                         "secret": SECRET})
        created.raise_for_status()
        rows, breakdowns = [], []
        delivered = {"inbox": 0}

        async def on_delivered(msg) -> None:  # counted off the bus: polling the store would slow the store
            if json.loads(msg.data)["data"]["channel"] == "inbox":
                delivered["inbox"] += 1

        watch = await nc.subscribe("linli.notify.notification.delivered.v1.>", cb=on_delivered)
        commands, cpu, started = store.snapshot(), store.cpu_seconds(), time.perf_counter()
        await asyncio.gather(*(publish(task_event("assigned", f"t-in-{i}", f"w-{i % 20}")) for i in range(events)))
        await until(lambda: _received(delivered, events, "inbox"))
        await watch.unsubscribe()
        assert await _count(db, events, channel="inbox")
        elapsed = time.perf_counter() - started
        commands, cpu = store.snapshot() - commands, store.cpu_seconds() - cpu
        rows.append(["inbox (task.assigned)", events, round(elapsed, 2), round(events / elapsed, 1),
                     round(cpu * 1000 / events, 2), per_operation(commands, events)])
        breakdowns.append(f"  inbox: {breakdown(commands, events)}")

        commands, cpu, started = store.snapshot(), store.cpu_seconds(), time.perf_counter()
        await asyncio.gather(*(publish(task_event("completed", f"t-wh-{i}", "w-1")) for i in range(events)))
        await until(lambda: _received(counts, events))
        elapsed = time.perf_counter() - started
        commands, cpu = store.snapshot() - commands, store.cpu_seconds() - cpu
        rows.append(["webhook, signed, loopback", events, round(elapsed, 2), round(events / elapsed, 1),
                     round(cpu * 1000 / events, 2), per_operation(commands, events)])
        breakdowns.append(f"  webhook: {breakdown(commands, events)}")
        assert counts["bad"] == 0, counts

        latencies = []
        for i in range(samples):
            started = time.perf_counter()
            await publish(task_event("assigned", f"t-lat-{i}", "w-lat"))
            while len((await worker.get("/v1/inbox", params={"limit": 500})).json()["items"]) < i + 1:
                if time.perf_counter() - started > 30:
                    raise TimeoutError("no inbox item within 30 s")
                await asyncio.sleep(0.002)
            latencies.append((time.perf_counter() - started) * 1000)
        return [rows, percentiles(latencies), breakdowns]
    finally:
        server.should_exit = True
        await serving
        await admin.aclose()
        await worker.aclose()
        await nc.close()


async def _count(db, n: int, **query) -> bool:
    return await db.notifications.count_documents({**query, "status": "sent"}) >= n


async def _received(counts: dict[str, int], n: int, key: str = "ok") -> bool:
    return counts[key] >= n


async def ensure_streams(nats_url: str) -> None:
    bus = await Bus.connect(ServiceSettings(nats_url=nats_url))
    for service in ("registry", "visits", "employment"):
        await bus.ensure_stream(service_stream(service))
    await bus.close()


def main(events: int = 1000, samples: int = 100) -> None:
    os.environ.setdefault("LINLI_NOTIFY_RATE_WEBHOOK", "100000")
    with ServiceCommands() as store, servers() as (nats_server, mongo):
        asyncio.run(ensure_streams(nats_server.url))
        with service_process("notify", nats_server, mongo, db=DB, extra_env=store.env) as url:
            rows, p, breakdowns = asyncio.run(run(nats_server.url, mongo.url, url, events, samples, store))
    print_table("Notify: notifications delivered per second (publish to NATS → consumer → delivery)",
                ["channel", "notifications", "seconds", "per second", "CPU ms each", "store cmds each"], rows)
    print("\nNotify's store commands per notification, by command and collection:")
    print("\n".join(breakdowns))
    print_table("Visits task.assigned on NATS → the worker's inbox through the API (ms)",
                ["samples", "p50", "p95"], [[p["n"], p["p50"], p["p95"]]])


if __name__ == "__main__":
    main(*[int(a) for a in sys.argv[1:]])
