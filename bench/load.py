"""A district loaded through the public ledger import, then a mixed workload at a steady rate.

All services run as their own processes, each with a store process of its own. The preload imports
one GB18030 ledger per community (`communities` × `residents` rows, households of one to four, some
out of work, some 80+) through `POST /v1/communities/{code}/imports`, and waits until every
consumer (visits, employment, notify, reports) has caught up with the events, printing progress
every 30 s. Then for `seconds` it sends a
fixed-rate mix: resident reads, listings with a group filter, a worker's task list, registrations, updates, life events,
visit records, job-intention registrations, job matches, referrals, statistics. Prints the import and
catch-up rates, throughput, p50/p95/p99 per endpoint, the end-to-end latency from a registry life event
to its visit task, outbox backlog and consumer lag (from /metrics), and resident memory per service.

Run: .venv/bin/python bench/load.py [communities] [residents_per_community] [seconds] [rates_per_second]
(`rates` like `4,12` runs one phase per rate, each from a caught-up system; issue 8's district:
`bench/load.py 100 3000 180 12`; LINLI_BENCH_MONGODB_URL=<a MongoDB replica set>
runs it against that store instead of a local SecantusDB.)
"""
from __future__ import annotations

import asyncio
import json
import random
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import httpx
import nats

from linli_devtools.people import born_years_ago, id_number
from linli_devtools.processes import ServiceProcess
from linli_devtools.servers import NatsServer
from linli_shared.auth import issue_token
from linli_shared.clock import Clock
from linli_shared.settings import DEV_JWT_SECRET

from common import DISTRICT, community_codes, cpu_seconds, db_name, memory_mib, mongo_server, percentiles, print_table
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
        self.seekers: list[str] = []
        self.jobs: list[str] = []
        self.awaiting: dict[str, float] = {}  # resident → when their life event was sent
        self.e2e: list[float] = []
        self.seq = 0
        self.started = time.perf_counter()
        self.reported = 0.0

    def new_phase(self) -> None:
        for measured in (self.samples, self.errors, self.e2e, self.awaiting):
            measured.clear()

    def progress(self, what: str) -> None:
        """One line every 30 s, so a run of hours shows where it is."""
        elapsed = time.perf_counter() - self.started
        if elapsed - self.reported >= 30:
            self.reported = elapsed
            print(f"[{elapsed:6.0f} s] {what}", flush=True)

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
    for n, location in enumerate(jobs):
        while (job := (await load.api["registry"].get(location)).json())["status"] == "running":
            load.progress(f"importing: {n} of {len(jobs)} ledgers done, {ok + job['rows_done']:,} rows")
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
        load.progress(f"catching up: outbox pending {lag['linli_outbox_pending']:,.0f}, "
                      f"consumer pending {lag['linli_consumer_pending_messages']:,.0f}"
                      + (f", {lag['outbox not yet counted']:.0f} outboxes not yet counted"
                         if lag["outbox not yet counted"] else ""))
        await asyncio.sleep(5)


async def sample_residents(load: Load, codes: list[str]) -> None:
    """A few thousand residents of ten communities to aim the workload at, with their seekers and two jobs."""
    for code in codes[:10]:
        seekers = await load.call("sample", "employment", "GET", f"/v1/communities/{code}/job-seekers",
                                  params={"limit": 50})
        load.seekers.extend(s["id"] for s in seekers.json()["items"])
        employer = await load.call("sample", "employment", "POST", "/v1/employers",
                                   json={"name": f"{code}家政服务部", "kind": "business", "community_code": code})
        for category in ("cleaning", "elder_care"):
            job = await load.call("sample", "employment", "POST", "/v1/jobs",
                                  json={"employer_id": employer.json()["id"], "title": "保洁员", "category": category,
                                        "headcount": 50, "wage_min_cny": 2800, "wage_max_cny": 4000})
            load.jobs.append(job.json()["id"])
        page = await load.call("sample", "registry", "GET", f"/v1/communities/{code}/residents",
                               params={"limit": 300})
        load.residents.extend(page.json()["items"])
        out_of_work = await load.call("sample", "registry", "GET", f"/v1/communities/{code}/residents",
                                      params={"group": "unemployed", "limit": 50})
        load.unemployed.extend(r["id"] for r in out_of_work.json()["items"])


async def one_operation(load: Load, rng: random.Random) -> None:
    resident = rng.choice(load.residents)
    community, pick = resident["community_code"], rng.random()
    if pick < 0.25:
        await load.call("GET resident", "registry", "GET", f"/v1/residents/{resident['id']}")
    elif pick < 0.30:  # a worker's list of open tasks
        await load.call("GET visit-tasks", "visits", "GET", f"/v1/communities/{community}/visit-tasks",
                        params={"status": "open", "limit": 20})
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
        await life_event(load, rng)
    elif pick < 0.82:
        await load.call("POST visit", "visits", "POST", f"/v1/communities/{community}/visits",
                        json={"resident_id": resident["id"], "visited_at": datetime.now(UTC).isoformat(),
                              "met": True})
    elif pick < 0.92:
        await employment(load, rng, community, pick)
    else:
        await load.call("GET statistics", "registry", "GET", "/v1/orgs/130303/statistics")


async def employment(load: Load, rng: random.Random, community: str, pick: float) -> None:
    """Job intentions (求职登记), a job's ranked matches, and referrals (推荐就业)."""
    if pick < 0.85 and load.unemployed:
        seeker = rng.choice(load.unemployed)
        await load.call("POST job-seeker", "employment", "POST", f"/v1/communities/{community}/job-seekers",
                        json={"resident_id": seeker, "intentions": {"categories": ["cleaning"]}})
    elif pick < 0.88 and load.jobs:
        await load.call("GET job matches", "employment", "GET", f"/v1/jobs/{rng.choice(load.jobs)}/matches")
    elif load.jobs and load.seekers:  # a repeat of an open referral is a 409, counted as an answer, not an error
        await load.call("POST referral", "employment", "POST", "/v1/referrals",
                        json={"seeker_id": rng.choice(load.seekers), "job_id": rng.choice(load.jobs)})


async def life_event(load: Load, rng: random.Random) -> None:
    """A hospitalisation of an 80+ resident, timed until visits puts its task on the bus (`watch_tasks`)."""
    elders = [r for r in load.residents if r["age"] >= 80 and r["status"] == "active"
              and r["id"] not in load.awaiting]
    if not elders:
        return
    elder = rng.choice(elders)
    load.awaiting[elder["id"]] = time.perf_counter()
    response = await load.call("POST life-event", "registry", "POST", f"/v1/residents/{elder['id']}/life-events",
                               json={"kind": "hospitalized", "date": TODAY.isoformat()})
    if response is None or response.status_code != 201:
        load.awaiting.pop(elder["id"], None)


async def watch_tasks(load: Load, nats_url: str) -> nats.aio.client.Client:
    """Watch visits' task.created events as any subscriber would: no polling load on the services."""
    async def created(message) -> None:
        data = json.loads(message.data)["data"]
        started = load.awaiting.pop(data["resident_id"], None) if data["reason"] == "hospitalized" else None
        if started is not None:
            load.e2e.append((time.perf_counter() - started) * 1000)

    client = await nats.connect(nats_url)
    await client.subscribe("linli.visits.task.created.v1.>", cb=created)
    return client


MAX_IN_FLIGHT = 48  # past this the system is saturated: the tick is shed and counted, not queued forever


async def steady(load: Load, seconds: float, rate: float) -> tuple[int, float]:
    rng, inflight = random.Random(11), set()
    started, ticks = time.perf_counter(), 0
    while time.perf_counter() - started < seconds:
        ticks += 1
        if len(inflight) < MAX_IN_FLIGHT:
            task = asyncio.create_task(one_operation(load, rng))
            inflight.add(task)
            task.add_done_callback(inflight.discard)
        else:
            load.errors["shed (system saturated)"] += 1
        await asyncio.sleep(max(0.0, started + ticks / rate - time.perf_counter()))
    await asyncio.gather(*inflight)
    return ticks - load.errors["shed (system saturated)"], time.perf_counter() - started


async def gauges(urls: dict[str, str]) -> dict[str, float]:
    """Lag summed over the services. A service whose relay has not yet reported its outbox (no pass made since
    it started) is not caught up: it is counted under "outbox not yet counted", never read as zero."""
    wanted = ("linli_outbox_pending", "linli_consumer_pending_messages", "linli_consumer_ack_pending_messages")
    found: dict[str, float] = defaultdict(float)
    async with httpx.AsyncClient() as client:
        for url in urls.values():
            samples = [(line.split("{")[0].split(" ")[0], line) for line in
                       (await client.get(f"{url}/metrics")).text.splitlines() if not line.startswith("#")]
            for name, line in samples:
                if name in wanted:
                    found[name] += float(line.rsplit(" ", 1)[1])
            found["outbox not yet counted"] += "linli_outbox_pending" not in {name for name, _ in samples}
    return found


async def run(root: Path, communities: int, residents: int, seconds: float, rates: list[float]) -> None:
    nats_server = NatsServer(root / "nats").start()
    # Each service owns its database (architecture.md). SecantusDB serves from one Python interpreter,
    # so each service gets a store process of its own: one interpreter is then not all five's ceiling
    # (a real MongoDB serves its connections in parallel; LINLI_BENCH_MONGODB_URL uses one for all).
    stores = {s: mongo_server(root / "db" / s).start(timeout=60) for s in SERVICES}
    procs = {s: ServiceProcess(s, root / s, nats_server.url, stores[s].url, db_name(f"load_{s}")).start()
             for s in SERVICES}
    try:
        urls = {s: p.url for s, p in procs.items()}
        load = Load(urls, issue_token(DEV_JWT_SECRET, "load", ["admin"], ["130303"], ttl_seconds=12 * 3600))
        loaded = await preload(load, root, communities, residents)
        report_preload(loaded, communities)
        report_cpu(procs, stores, nats_server)
        watcher = await watch_tasks(load, nats_server.url)
        for rate in rates:  # each rate from a caught-up system, so one rate's backlog is not the next one's
            load.new_phase()
            sent, elapsed = await steady(load, seconds, rate)
            await asyncio.sleep(15)  # one lag report interval
            report_workload(load, sent, elapsed, rate)
            await caught_up(load)
        await watcher.close()
        lag = await gauges(urls)
        memory = {s: memory_mib(p.proc.pid) for s, p in procs.items()}
        print_table("After the run", ["outbox pending", "consumer pending", "consumer unacked", *memory],
                    [[lag["linli_outbox_pending"], lag["linli_consumer_pending_messages"],
                      lag["linli_consumer_ack_pending_messages"],
                      *[f"{m} MiB" for m in memory.values()]]])
    finally:
        for process in (*procs.values(), *stores.values(), nats_server):
            process.stop()


def report_preload(loaded: dict, communities: int) -> None:
    print_table(f"District preload through the public import ({communities} communities)",
                ["rows imported", "import s", "rows/s", "all consumers caught up after s"],
                [[loaded["rows"], round(loaded["import_s"]), round(loaded["rows"] / loaded["import_s"]),
                  round(loaded["settled_s"])]], flush=True)


def report_cpu(procs: dict, stores: dict, nats_server: NatsServer) -> None:
    """Where the machine's cores went during the preload: each service, its store, and NATS."""
    def cpu(process) -> float | str:
        proc = getattr(process, "proc", None)
        return cpu_seconds(proc.pid) if proc is not None else "-"  # an external store is not ours to read

    print_table("CPU seconds used so far (user + system)", ["", *SERVICES, "NATS"],
                [["service", *[cpu(procs[s]) for s in SERVICES], cpu(nats_server)],
                 ["its store", *[cpu(stores[s]) for s in SERVICES], ""]], flush=True)


def report_workload(load: Load, sent: int, elapsed: float, rate: float) -> None:
    rows = []
    for label, samples in sorted(load.samples.items()):
        p = percentiles(samples) if len(samples) > 1 else dict.fromkeys(("p50", "p95", "p99"), round(samples[0], 2))
        rows.append([label, len(samples), load.errors[label], p["p50"], p["p95"], p["p99"]])
    shed = load.errors.get("shed (system saturated)", 0)
    print_table(f"Mixed workload at {rate}/s: {sent} operations in {elapsed:.0f} s = {sent / elapsed:.1f}/s "
                f"({shed} ticks shed) aimed at {len(load.residents)} sampled residents (ms)",
                ["endpoint", "n", "errors", "p50", "p95", "p99"], rows)
    if len(load.e2e) > 1:
        p = percentiles(load.e2e)
        print_table(f"At {rate}/s: registry life event → its visit task on the bus (ms)", ["n", "p50", "p95", "p99"],
                    [[p["n"], p["p50"], p["p95"], p["p99"]]], flush=True)


def main(communities: int = 100, residents: int = 3000, seconds: float = 180, rates: str = "12") -> None:
    with tempfile.TemporaryDirectory(prefix="linli-load-") as root:
        asyncio.run(run(Path(root), communities, residents, seconds, [float(r) for r in str(rates).split(",")]))


if __name__ == "__main__":
    main(*[int(a) for a in sys.argv[1:3]], *[float(a) for a in sys.argv[3:4]], *sys.argv[4:5])
