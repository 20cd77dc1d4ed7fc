"""Fault scenarios on real processes: inject a failure in the middle of a stream of writes, then check.

Each scenario starts NATS, SecantusDB, the registry and visits (and, in a full run, employment and
notify) as their own processes, registers residents living alone through the registry's API (elders,
and people out of work) while the fault happens, lets the system settle and checks what Linli
promises: every accepted write is present, every event was published once and handled once in effect
by every consumer, every elder got exactly one routine visit task, everyone out of work exactly one
job-seeker record (full run), nothing is stuck in an outbox or a dead-letter stream.
`tests/faults/` asserts the results; `bench/faults.py` prints the table for the full cluster.
"""
from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Awaitable, Callable

import httpx
import nats
from pymongo import AsyncMongoClient

from linli_devtools.people import born_years_ago, id_number
from linli_devtools.processes import ServiceProcess
from linli_devtools.servers import MongoServer, NatsServer
from linli_devtools.streams import caught_up, stream_messages
from linli_shared.auth import issue_token
from linli_shared.bus import dead_letter_stream
from linli_shared.clock import Clock
from linli_shared.settings import DEV_JWT_SECRET

COMMUNITY = "130303001001"


@dataclass
class Cluster:
    nats: NatsServer
    mongo: MongoServer
    registry: ServiceProcess
    visits: list[ServiceProcess]
    others: list[ServiceProcess] = field(default_factory=list)  # employment and notify, in a full run
    spares: list[ServiceProcess] = field(default_factory=list)  # second replicas of registry, employment, notify

    @property
    def consumers(self) -> list[str]:
        """The services reading the registry's stream, each with its durable `<service>-registry-v1`."""
        return ["visits", *(p.service for p in self.others)]


@dataclass
class Result:
    scenario: str
    injected: str
    accepted: int = 0
    refused: int = 0
    checks: dict[str, bool] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(self.checks.values())


Fault = Callable[[Cluster], Awaitable[None]]


async def _restart(process, pause: float) -> None:
    process.kill()
    await asyncio.sleep(pause)
    await asyncio.to_thread(process.start)


async def kill_registry(cluster: Cluster) -> None:
    await _restart(cluster.registry, 0.5)


async def kill_visits(cluster: Cluster) -> None:
    await _restart(cluster.visits[0], 0.5)


def _killer(service: str) -> Fault:
    async def kill(cluster: Cluster) -> None:
        await _restart(next(p for p in cluster.others if p.service == service), 0.5)
    return kill


async def stop_nats(cluster: Cluster) -> None:
    cluster.nats.stop()
    await asyncio.sleep(3)
    await asyncio.to_thread(cluster.nats.start)


async def restart_store(cluster: Cluster) -> None:
    cluster.mongo.stop()
    await asyncio.sleep(1)
    await asyncio.to_thread(cluster.mongo.start, 60)


async def nothing(cluster: Cluster) -> None:
    return None


SCENARIOS: dict[str, tuple[str, Fault, int]] = {
    "registry killed": ("kill -9 the registry mid-stream, start it again", kill_registry, 1),
    "visits killed": ("kill -9 visits mid-stream, start it again", kill_visits, 1),
    "NATS stopped": ("stop NATS for 3 s while writes continue", stop_nats, 1),
    "store restarted": ("stop and restart SecantusDB mid-stream", restart_store, 1),
    "two visits replicas": ("run two visits replicas on one durable consumer", nothing, 2),
    "events redelivered": ("re-publish every registry event under new message ids", nothing, 1),
}
# Only with the full cluster (the bench): employment and notify take part there.
FULL_SCENARIOS: dict[str, tuple[str, Fault, int]] = {
    "employment killed": ("kill -9 employment mid-stream, start it again", _killer("employment"), 1),
    "notify killed": ("kill -9 notify mid-stream, start it again", _killer("notify"), 1),
    "two of every service": ("two replicas of registry, visits, employment and notify at once", nothing, 2),
}


async def run(name: str, root: Path, writes: int = 24, full: bool = False) -> Result:
    """One scenario; `full` adds employment and notify as consumers of the same stream (the bench does)."""
    injected, fault, replicas = {**SCENARIOS, **FULL_SCENARIOS}[name]
    result, started = Result(name, injected), time.monotonic()
    nats_server = NatsServer(root / "nats").start()
    mongo = MongoServer(root / "db").start(timeout=60)

    def service(name: str, folder: str) -> ServiceProcess:
        return ServiceProcess(name, root / folder, nats_server.url, mongo.url, f"faults_{name}").start()

    registry = service("registry", "registry")
    visits = [service("visits", f"visits{i}") for i in range(replicas)]
    others = [service(name, name) for name in ("employment", "notify")] if full else []
    spares = [service(name, f"{name}-spare") for name in ("registry", "employment", "notify")] \
        if full and replicas > 1 else []
    cluster = Cluster(nats_server, mongo, registry, visits, others, spares)
    try:
        accepted = await _write_through(cluster, fault, writes, result)
        if name == "events redelivered":
            await _redeliver(nats_server.url)
        await _settle(cluster)
        result.checks = await _check(cluster, accepted)
    finally:
        for process in (*spares, *others, *visits, registry, mongo, nats_server):
            process.stop()
    result.seconds = round(time.monotonic() - started, 1)
    return result


async def _write_through(cluster: Cluster, fault: Fault, writes: int, result: Result) -> list[str]:
    token = issue_token(DEV_JWT_SECRET, "faults", ["admin"], ["130303"])
    today, accepted = Clock().today(), []
    injection: asyncio.Task | None = None
    async with httpx.AsyncClient(base_url=cluster.registry.url, timeout=10,
                                 headers={"Authorization": f"Bearer {token}"}) as api:
        for code in ("130303", "130303001", COMMUNITY):
            (await api.put(f"/v1/orgs/{code}", json={"name": code})).raise_for_status()
        for i in range(writes + writes // 3):
            if i == writes // 3:
                injection = asyncio.create_task(fault(cluster))  # writes go on while it happens
            if i == writes and injection is not None:
                await injection  # and a last batch once the system is back
            resident = await _register(api, today, i)
            if resident:
                accepted.append(resident)
            else:
                result.refused += 1
            await asyncio.sleep(0.05)
    result.accepted = len(accepted)
    return accepted


async def _register(api: httpx.AsyncClient, today, i: int) -> str | None:
    """A household and its only member (two writes; accepted when both are): every other one a living-alone
    elder (visits plans a routine task), the rest a 45-year-old out of work (employment opens a seeker)."""
    elder = i % 2 == 0
    try:
        household = await api.post(f"/v1/communities/{COMMUNITY}/households", json={"address": {"estate": "工农里"}})
        if household.status_code != 201:
            return None
        resident = await api.post(f"/v1/communities/{COMMUNITY}/residents", json={
            "name": f"居民{i}", "id_number": id_number(born_years_ago(82 if elder else 45, today), seq=i),
            "household_id": household.json()["id"], "employment_status": "retired" if elder else "unemployed"})
        return resident.json()["id"] if resident.status_code == 201 else None
    except httpx.HTTPError:
        return None


async def _redeliver(nats_url: str) -> None:
    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream()
        sub = await js.subscribe("linli.registry.>", ordered_consumer=True)
        info = await js.stream_info("REGISTRY")
        for n in range(info.state.messages):
            msg = await sub.next_msg(timeout=5)
            await js.publish(msg.subject, msg.data, headers={"Nats-Msg-Id": f"redelivered-{n}"})
    finally:
        await nc.close()


async def _settle(cluster: Cluster, timeout: float = 60.0) -> None:
    """Until the registry's outbox is empty and every visits consumer has read and acked everything."""
    client = AsyncMongoClient(cluster.mongo.url)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            pending = await client["faults_registry"].outbox.count_documents({"state": "pending"})
            try:
                settled = pending == 0 and all([await caught_up(cluster.nats.url, "REGISTRY", f"{name}-registry-v1")
                                                for name in cluster.consumers])
            except Exception:  # NATS still coming back
                settled = False
            if settled:
                await asyncio.sleep(1.0)  # the last handled transaction's effects are visible
                return
            await asyncio.sleep(0.25)
    finally:
        await client.close()


async def _check(cluster: Cluster, accepted: list[str]) -> dict[str, bool]:
    client = AsyncMongoClient(cluster.mongo.url)
    try:
        registry, visits = client["faults_registry"], client["faults_visits"]
        people = await registry.residents.find({}, {"employment_status": 1}).to_list()
        stored = {d["_id"] for d in people}
        elders = {d["_id"] for d in people if d["employment_status"] == "retired"}
        registered = await _registered_event_ids(cluster.nats.url)
        projected = {d["_id"] for d in await visits.residents.find({}, {"_id": 1}).to_list()}
        routine = Counter(t["resident_id"] for t in await visits.tasks.find({"reason": "routine"}).to_list())
        handled = {name: await client[f"faults_{name}"].inbox.count_documents(
            {"type": "linli.registry.resident.registered.v1"}) for name in cluster.consumers}
        checks = {
            "every accepted write present": set(accepted) <= stored,
            "one registered event per resident": all(len(registered.get(r, ())) == 1 for r in stored),
            "visits projection equals the registry": projected == stored,
            "each event handled once in effect": all(count == len(stored) for count in handled.values()),
            "one routine task per elder": all(routine[r] == 1 for r in elders) and set(routine) == elders,
            "outbox drained": await registry.outbox.count_documents({"state": "pending"}) == 0,
            "no dead letters": await _dead_letters(cluster.nats.url) == 0,
        }
        if cluster.others:
            seekers = {d["_id"] for d in await client["faults_employment"].seekers.find({}, {"_id": 1}).to_list()}
            checks["one seeker per resident out of work"] = seekers == stored - elders
        return checks
    finally:
        await client.close()


async def _registered_event_ids(nats_url: str) -> dict[str, set[str]]:
    """Resident id → the distinct CloudEvent ids of its `registered` event on the stream (copies share one)."""
    nc = await nats.connect(nats_url)
    found: dict[str, set[str]] = {}
    try:
        js = nc.jetstream()
        total = (await js.stream_info("REGISTRY")).state.messages
        sub = await js.subscribe("linli.registry.resident.registered.v1.>", ordered_consumer=True)
        for _ in range(total):
            try:
                msg = await sub.next_msg(timeout=2)
            except nats.errors.TimeoutError:
                break
            event = json.loads(msg.data)
            found.setdefault(event["subject"], set()).add(event["id"])
    finally:
        await nc.close()
    return found


async def _dead_letters(nats_url: str) -> int:
    """Every service's dead letters (each keeps its own stream; one not created yet holds none)."""
    total = 0
    for service in ("registry", "visits", "employment", "notify", "reports"):
        try:
            total += await stream_messages(nats_url, dead_letter_stream(service).name)
        except nats.js.errors.NotFoundError:
            pass
    return total


def table(results: list[Result]) -> str:
    checks = list(results[0].checks) if results else []
    lines = ["scenario | injected | accepted | refused | " + " | ".join(checks) + " | s"]
    for r in results:
        marks = " | ".join("yes" if r.checks.get(c) else "NO" for c in checks)
        lines.append(f"{r.scenario} | {r.injected} | {r.accepted} | {r.refused} | {marks} | {r.seconds}")
    return "\n".join(lines)
