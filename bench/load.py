"""A district loaded through the public ledger import, then a mixed workload at a steady rate.

All services run as their own processes. The preload imports one GB18030 ledger per community
(`communities` × `residents` rows, households of one to four, some out of work, some 80+) through
`POST /v1/communities/{code}/imports`, and waits until every consumer (visits, employment, notify,
reports) has caught up with the events. Then for `seconds` it sends a fixed-rate mix: resident reads,
listings with a group filter, registrations, updates, life events, visit records, job-intention
registrations, statistics. Prints the import and catch-up rates, throughput, p50/p95/p99 per endpoint,
the end-to-end latency from a registry life event to its visit task, outbox backlog and consumer lag
(from /metrics), and resident memory per service.

Run: .venv/bin/python bench/load.py [communities] [residents_per_community] [seconds] [rate_per_second]
(issue 8's district: `bench/load.py 100 3000 180 12`.)
"""
from __future__ import annotations

import asyncio
import random
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import httpx

from linli_devtools.people import born_years_ago, id_number
from linli_devtools.processes import ServiceProcess
from linli_devtools.servers import MongoServer, NatsServer
from linli_shared.auth import issue_token
from linli_shared.clock import Clock
from linli_shared.settings import DEV_JWT_SECRET

from common import DISTRICT, community_codes, memory_mib, percentiles, print_table
from ledgers import write_ledger

SERVICES = ("registry", "visits", "employment", "notify", "reports")
TODAY = Clock().today()


class Load:
    def __init__(self, urls: dict[str, str], token: str) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        self.api = {name: httpx.AsyncClient(base_url=url, headers=headers, timeout=30,
                                            limits=httpx.Limits(max_connections=MAX_IN_FLIGHT))
                    for name, url in urls.items()}
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.residents: list[dict] = []
        self.unemployed: list[str] = []
        self.seq = 0

    async def call(self, label: str, service: str, method: str, path: str, **kw) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = await self.api[service].request(method, path, **kw)
        except httpx.HTTPError:
            self.errors[label] += 1
            return None
        self.samples[label].append((time.perf_counter() - started) * 1000)
        if response.status_code >= 500:
            self.errors[label] += 1
        return response

    async def register(self, community: str, age: int, status: str = "retired", label: str = "POST resident"):
        household = await self.call("POST household", "registry", "POST", f"/v1/communities/{community}/households",
                                    json={"address": {"estate": "工农里", "building": str(self.seq % 40)}})
        if household is None or household.status_code != 201:
            return
        self.seq += 1
        body = {"name": "王小明", "id_number": id_number(born_years_ago(age, TODAY, self.seq % 300), seq=self.seq),
                "household_id": household.json()["id"], "employment_status": status}
        response = await self.call(label, "registry", "POST", f"/v1/communities/{community}/residents", json=body)
        if response is not None and response.status_code == 201:
            self.residents.append(response.json())
            if status == "unemployed":
                self.unemployed.append(response.json()["id"])


async def preload(load: Load, root: Path, communities: int, residents: int) -> dict[str, float]:
    """The district through the public import, one ledger per community; then wait for every consumer."""
    codes = community_codes(communities)
    for code in [DISTRICT, *sorted({c[:9] for c in codes}), *codes]:
        await load.call("PUT org", "registry", "PUT", f"/v1/orgs/{code}", json={"name": code})
    started, jobs = time.perf_counter(), []
    for n, code in enumerate(codes):
        ledger = root / f"{code}.csv"
        write_ledger(ledger, residents, seed=n, first_index=n * residents)
        response = await load.api["registry"].post(f"/v1/communities/{code}/imports",
                                                   files={"file": (ledger.name, ledger.read_bytes())})
        response.raise_for_status()
        jobs.append(response.headers["Location"])
    ok = 0
    for location in jobs:
        while (job := (await load.api["registry"].get(location)).json())["status"] == "running":
            await asyncio.sleep(1)
        ok += job["rows_ok"]
    imported = time.perf_counter() - started
    await caught_up(load)
    settled = time.perf_counter() - started
    await sample_residents(load, codes)
    load.samples.clear()
    return {"rows": ok, "import_s": imported, "settled_s": settled}


async def caught_up(load: Load) -> None:
    while True:
        lag = await gauges({s: str(c.base_url) for s, c in load.api.items()})
        if not any(lag.values()):
            return
        await asyncio.sleep(5)


async def sample_residents(load: Load, codes: list[str]) -> None:
    """A few thousand residents of ten communities to aim the workload at."""
    for code in codes[:10]:
        page = await load.call("sample", "registry", "GET", f"/v1/communities/{code}/residents",
                               params={"limit": 300})
        load.residents.extend(page.json()["items"])
        out_of_work = await load.call("sample", "registry", "GET", f"/v1/communities/{code}/residents",
                                      params={"group": "unemployed", "limit": 50})
        load.unemployed.extend(r["id"] for r in out_of_work.json()["items"])


async def one_operation(load: Load, rng: random.Random, e2e: list[float]) -> None:
    resident = rng.choice(load.residents)
    community, pick = resident["community_code"], rng.random()
    if pick < 0.30:
        await load.call("GET resident", "registry", "GET", f"/v1/residents/{resident['id']}")
    elif pick < 0.40:
        await load.call("GET residents?group", "registry", "GET", f"/v1/communities/{community}/residents",
                        params={"group": "elderly_80", "limit": 20})
    elif pick < 0.50:
        await load.register(community, rng.randrange(20, 90))
    elif pick < 0.60:
        current = await load.call("GET resident", "registry", "GET", f"/v1/residents/{resident['id']}")
        if current is not None:
            await load.call("PATCH resident", "registry", "PATCH", f"/v1/residents/{resident['id']}",
                            json={"health": rng.choice(("good", "fair", "poor"))},
                            headers={"If-Match": current.headers.get("etag", '"0"')})
    elif pick < 0.70:
        await life_event(load, rng, e2e)
    elif pick < 0.85:
        await load.call("POST visit", "visits", "POST", f"/v1/communities/{community}/visits",
                        json={"resident_id": resident["id"], "visited_at": datetime.now(UTC).isoformat(),
                              "met": True})
    elif pick < 0.92 and load.unemployed:
        seeker = rng.choice(load.unemployed)
        await load.call("POST job-seeker", "employment", "POST", f"/v1/communities/{community}/job-seekers",
                        json={"resident_id": seeker, "intentions": {"categories": ["cleaning"]}})
    else:
        await load.call("GET statistics", "registry", "GET", "/v1/orgs/130303/statistics")


async def life_event(load: Load, rng: random.Random, e2e: list[float]) -> None:
    """A hospitalisation of an 80+ resident: measured until visits shows the task."""
    elders = [r for r in load.residents if r["age"] >= 80 and r["status"] == "active"]
    if not elders:
        return
    elder = rng.choice(elders)
    started = time.perf_counter()
    response = await load.call("POST life-event", "registry", "POST", f"/v1/residents/{elder['id']}/life-events",
                               json={"kind": "hospitalized", "date": TODAY.isoformat()})
    if response is None or response.status_code != 201:
        return
    for _ in range(240):  # a quarter-second poll for a minute: the poller must not become the load
        found = await load.call("GET visit-tasks", "visits", "GET",
                                f"/v1/communities/{elder['community_code']}/visit-tasks",
                                params={"resident_id": elder["id"], "reason": "hospitalized"})
        if found is not None and len(found.json()["items"]) > len(elder.setdefault("_hospital_tasks", [])):
            elder["_hospital_tasks"] = found.json()["items"]
            e2e.append((time.perf_counter() - started) * 1000)
            return
        await asyncio.sleep(0.25)


MAX_IN_FLIGHT = 48  # past this the system is saturated: the tick is shed and counted, not queued forever


async def steady(load: Load, seconds: float, rate: float) -> tuple[int, float, list[float]]:
    rng, e2e, inflight = random.Random(11), [], set()
    started, ticks = time.perf_counter(), 0
    while time.perf_counter() - started < seconds:
        ticks += 1
        if len(inflight) < MAX_IN_FLIGHT:
            task = asyncio.create_task(one_operation(load, rng, e2e))
            inflight.add(task)
            task.add_done_callback(inflight.discard)
        else:
            load.errors["shed (system saturated)"] += 1
        await asyncio.sleep(max(0.0, started + ticks / rate - time.perf_counter()))
    await asyncio.gather(*inflight)
    return ticks - load.errors["shed (system saturated)"], time.perf_counter() - started, e2e


async def gauges(urls: dict[str, str]) -> dict[str, float]:
    wanted = ("linli_outbox_pending", "linli_consumer_pending", "linli_consumer_ack_pending")
    found: dict[str, float] = defaultdict(float)
    async with httpx.AsyncClient() as client:
        for url in urls.values():
            for line in (await client.get(f"{url}/metrics")).text.splitlines():
                name = line.split("{")[0].split(" ")[0]
                if name in wanted:
                    found[name] += float(line.rsplit(" ", 1)[1])
    return found


async def run(root: Path, communities: int, residents: int, seconds: float, rate: float) -> None:
    nats, mongo = NatsServer(root / "nats").start(), MongoServer(root / "db").start(timeout=60)
    procs = {s: ServiceProcess(s, root / s, nats.url, mongo.url, f"load_{s}").start() for s in SERVICES}
    try:
        urls = {s: p.url for s, p in procs.items()}
        load = Load(urls, issue_token(DEV_JWT_SECRET, "load", ["admin"], ["130303"], ttl_seconds=86400))
        loaded = await preload(load, root, communities, residents)
        sent, elapsed, e2e = await steady(load, seconds, rate)
        await asyncio.sleep(15)  # one lag report interval
        lag = await gauges(urls)
        memory = {s: memory_mib(p.proc.pid) for s, p in procs.items()}
        report(load, sent, elapsed, e2e, lag, memory, loaded, communities)
    finally:
        for process in (*procs.values(), mongo, nats):
            process.stop()


def report(load: Load, sent: int, elapsed: float, e2e: list[float], lag: dict, memory: dict, loaded: dict,
           communities: int) -> None:
    print_table(f"District preload through the public import ({communities} communities)",
                ["rows imported", "import s", "rows/s", "all consumers caught up after s"],
                [[loaded["rows"], round(loaded["import_s"]), round(loaded["rows"] / loaded["import_s"]),
                  round(loaded["settled_s"])]])
    rows = []
    for label, samples in sorted(load.samples.items()):
        p = percentiles(samples) if len(samples) > 1 else dict.fromkeys(("p50", "p95", "p99"), samples[0])
        rows.append([label, len(samples), load.errors[label], p["p50"], p["p95"], p["p99"]])
    shed = load.errors.get("shed (system saturated)", 0)
    print_table(f"Mixed workload: {sent} operations in {elapsed:.0f} s = {sent / elapsed:.1f}/s ({shed} ticks shed) "
                f"aimed at {len(load.residents)} sampled residents (ms)",
                ["endpoint", "n", "errors", "p50", "p95", "p99"], rows)
    if len(e2e) > 1:
        p = percentiles(e2e)
        print_table("Registry life event → visits task (ms)", ["n", "p50", "p95"], [[p["n"], p["p50"], p["p95"]]])
    print_table("After the run", ["outbox pending", "consumer pending", "consumer unacked", *memory],
                [[lag["linli_outbox_pending"], lag["linli_consumer_pending"], lag["linli_consumer_ack_pending"],
                  *[f"{m} MiB" for m in memory.values()]]])


def main(communities: int = 100, residents: int = 3000, seconds: float = 180, rate: float = 12) -> None:
    with tempfile.TemporaryDirectory(prefix="linli-load-") as root:
        asyncio.run(run(Path(root), communities, residents, seconds, rate))


if __name__ == "__main__":
    main(*[float(a) if "." in a else int(a) for a in sys.argv[1:]])
