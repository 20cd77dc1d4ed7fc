"""Single-resident create and read latency through the registry API, next to the bare stack on the same servers
(read: with pii:read, whose reveal the trail records, then masked, which records nothing),
and the store commands each operation cost (the registry's, counted in its process by `store_commands`; a create's
window also holds whatever the outbox relay did meanwhile, shown by collection).

Run: make bench ARGS=registry_latency   (or .venv/bin/python bench/registry_latency.py [N])
"""
from __future__ import annotations

import asyncio
import json
import sys
import time
import uuid
from collections import Counter
from datetime import date, timedelta

import httpx
import nats
from pymongo import AsyncMongoClient
from store_commands import CommandCounter, ServiceCommands, breakdown, per_operation, relay_commands

from linli_devtools.people import id_number
from linli_shared.auth import issue_token
from linli_shared.settings import DEV_JWT_SECRET

from common import percentiles, print_table, servers, service_process

COMMUNITY = "130303001001"


def bench_id_number(i: int) -> str:
    return id_number(date(1940, 1, 1) + timedelta(days=i // 400), "male", seq=i % 400)


Commands = dict[str, Counter]  # op -> (command, collection) -> count over all n operations


async def through_api(url: str, n: int, store: ServiceCommands) -> tuple[list[float], list[float], list[float],
                                                                        Commands, float]:
    """Create, read (pii:read: the trail records the reveal) and read masked (no trail entry), one after another."""
    token = issue_token(DEV_JWT_SECRET, "bench", ["admin"], ["130303"], ["pii:read"])
    masked_token = issue_token(DEV_JWT_SECRET, "bench-masked", ["admin"], ["130303"])
    creates, reads, masked_reads = [], [], []
    commands: Commands = {"create": Counter(), "read": Counter(), "read masked": Counter()}
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"}) as client, \
            httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {masked_token}"}) as masked:
        for code in ("130303", "130303001", COMMUNITY):
            (await client.put(f"/v1/orgs/{code}", json={"name": code})).raise_for_status()
        cpu = store.cpu_seconds()
        for i in range(n):
            before = store.snapshot()  # outside the timed window
            started = time.perf_counter()
            response = await client.post(f"/v1/communities/{COMMUNITY}/residents",
                                         json={"name": "王小明", "id_number": bench_id_number(i),
                                               "phone": "13812345678"})
            creates.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
            between = store.snapshot()
            started = time.perf_counter()
            (await client.get(f"/v1/residents/{response.json()['id']}")).raise_for_status()
            reads.append((time.perf_counter() - started) * 1000)
            read = store.snapshot()
            started = time.perf_counter()
            (await masked.get(f"/v1/residents/{response.json()['id']}")).raise_for_status()
            masked_reads.append((time.perf_counter() - started) * 1000)
            commands["create"] += between - before
            commands["read"] += read - between
            commands["read masked"] += store.snapshot() - read
        cpu = store.cpu_seconds() - cpu
    return creates, reads, masked_reads, commands, cpu


async def bare_stack(mongo_url: str, nats_url: str, n: int) -> tuple[list[float], list[float], Commands]:
    """The same store and bus with nothing of ours: one insert_one plus one acknowledged JetStream publish."""
    counter = CommandCounter()
    client = AsyncMongoClient(mongo_url, event_listeners=[counter])
    collection = client["bench_bare"]["residents"]
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    await js.add_stream(name="BARE", subjects=["bare.>"])
    creates, reads = [], []
    commands: Commands = {"create": Counter(), "read": Counter()}
    for i in range(n):
        doc = {"_id": str(uuid.uuid4()), "community_code": COMMUNITY, "name": "王小明", "id_tail": str(i),
               "birth_date": "1950-01-01", "gender": "male", "status": "active", "version": 1}
        before = counter.snapshot()
        started = time.perf_counter()
        await collection.insert_one(doc)
        await js.publish("bare.resident", json.dumps(doc).encode(), headers={"Nats-Msg-Id": doc["_id"]})
        creates.append((time.perf_counter() - started) * 1000)
        between = counter.snapshot()
        started = time.perf_counter()
        await collection.find_one({"_id": doc["_id"]})
        reads.append((time.perf_counter() - started) * 1000)
        commands["create"] += between - before
        commands["read"] += counter.snapshot() - between
    await nc.close()
    await client.close()
    return creates, reads, commands


def main(n: int = 300) -> None:
    with ServiceCommands() as store, servers() as (nats, mongo), \
            service_process("registry", nats, mongo, extra_env=store.env) as url:
        api_create, api_read, api_masked, api_commands, api_cpu = asyncio.run(through_api(url, n, store))
        bare_create, bare_read, bare_commands = asyncio.run(bare_stack(mongo.url, nats.url, n))
    bare_commands["read masked"] = bare_commands["read"]
    rows = []
    for op, api, bare in (("create", api_create, bare_create), ("read", api_read, bare_read),
                          ("read masked", api_masked, bare_read)):
        a, b = percentiles(api), percentiles(bare)
        relay = relay_commands(api_commands[op])
        rows.append([op, n, a["p50"], a["p95"], b["p50"], b["p95"], round(a["p50"] / b["p50"], 1),
                     per_operation(api_commands[op] - relay, n), per_operation(relay, n),
                     per_operation(bare_commands[op], n)])
    print_table("Registry: one resident through the API (HTTP, auth, validation, transaction, outbox, relay) vs the "
                "bare stack (create: insert_one + JetStream publish; read: find_one), same servers, ms; store "
                "commands per operation",
                ["op", "n", "api p50", "api p95", "bare p50", "bare p95", "ratio p50", "api cmds/op",
                 "+ relay's", "bare cmds/op"], rows)
    print("\nThe registry's store commands per operation, by command and collection (each window also holds the "
          "outbox relay's reads and marks of that moment, counted apart above as relay's):")
    for op in ("create", "read", "read masked"):
        print(f"  {op}: {breakdown(api_commands[op], n)}")
    print(f"\nThe registry's CPU time per create and both reads together: {api_cpu * 1000 / n:.2f} ms (steadier than "
          "wall time on a busy machine; the relay's publishing included)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
