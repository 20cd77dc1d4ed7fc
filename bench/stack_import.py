"""One community's ledger imported with the whole stack running, and what the import does to everything else.

NATS and the five services run as their own processes on a store that is either one process shared by all
five (as `make run` started it before issue 21) or one store process per service (as `bench/load.py` runs
them); `both` runs the two one after the other, so they compare in one run. Before the import, one 80+ resident
is registered through the API and reaches visits on a quiet bus. Then a `rows`-row GB18030 ledger goes in
through `POST /v1/communities/{code}/imports`, and right after it is done the bench
- records a hospitalisation of that resident and times it until visits' `hospitalized` task is on the bus
  (a NATS subscriber, as `load.py` watches: no polling load on the services),
- times the community's first and second `GET …/residents?group=elderly_60` listing,
- waits until every outbox and every consumer is caught up (the services' /metrics, as `load.py` reads them).
Prints rows/s, the catch-up time (and its ratio to the import time), both listing latencies, the life event →
visit task latency (split at the moment the life event itself is on the bus: before, the registry's transaction and
relay; after, visits' urgent lane, its transaction and its relay), and the CPU seconds each process used.

Run: .venv/bin/python bench/stack_import.py [rows] [shared|own|both]   (the issue's row: 3422 both)
"""
from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import httpx
import nats
from load import SERVICES, gauges
from store_commands import ServiceCommands, breakdown

from linli_devtools.people import id_number
from linli_devtools.processes import ServiceProcess
from linli_devtools.servers import MongoServer, NatsServer
from linli_shared.auth import issue_token
from linli_shared.clock import Clock
from linli_shared.settings import DEV_JWT_SECRET

from common import cpu_seconds, print_table
from ledgers import write_ledger

COMMUNITY = "130303001001"
ORGS = ("130303", "130303001", COMMUNITY)


class CountedService(ServiceProcess):
    """A service whose store commands `commands` counts."""

    def __init__(self, *args, commands: ServiceCommands, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.commands = commands

    def env(self) -> dict[str, str]:
        return {**super().env(), **self.commands.env}


class Stack:
    """NATS, the store (one process, or one per service) and the five services, in a temp folder; visits' store
    commands counted."""

    def __init__(self, root: Path, stores: str) -> None:
        self.nats = NatsServer(root / "nats").start()
        if stores == "own":
            self.stores = {s: MongoServer(root / "db" / s).start(timeout=60) for s in SERVICES}
        else:
            shared = MongoServer(root / "db" / "shared").start(timeout=60)
            self.stores = dict.fromkeys(SERVICES, shared)
        self.visits_commands = ServiceCommands()
        self.services = {s: (CountedService(s, root / s, self.nats.url, self.stores[s].url, f"stack_{s}",
                                            commands=self.visits_commands) if s == "visits" else
                             ServiceProcess(s, root / s, self.nats.url, self.stores[s].url, f"stack_{s}")).start()
                         for s in SERVICES}

    def cpu(self) -> list[list]:
        stores = {id(store): store for store in self.stores.values()}
        return [[name, cpu_seconds(process.proc.pid)] for name, process in
                [*self.services.items(), *[(f"store {n + 1}", s) for n, s in enumerate(stores.values())],
                 ("NATS", self.nats)]]

    def stop(self) -> None:
        for process in [*self.services.values(), *{id(s): s for s in self.stores.values()}.values(), self.nats]:
            process.stop()
        self.visits_commands.close()


class TaskWatch:
    """The bus as any subscriber sees it: when the registry's life event went out (its outbox relay), and when
    visits' `hospitalized` task did (its consumer, its transaction, its relay)."""

    def __init__(self) -> None:
        self.seen: dict[str, float] = {}
        self.life_events: dict[str, float] = {}

    async def start(self, nats_url: str) -> TaskWatch:
        async def created(message) -> None:
            data = json.loads(message.data)["data"]
            if data["reason"] == "hospitalized":
                self.seen.setdefault(data["resident_id"], time.perf_counter())

        async def life_event(message) -> None:
            self.life_events.setdefault(json.loads(message.data)["data"]["resident_id"], time.perf_counter())

        self.client = await nats.connect(nats_url)
        await self.client.subscribe("linli.visits.task.created.v1.>", cb=created)
        await self.client.subscribe("linli.registry.resident.life_event_recorded.v1.>", cb=life_event)
        return self

    async def wait_for(self, resident_id: str, timeout: float = 900) -> tuple[float, float]:
        """When the life event, then its task, were on the bus."""
        deadline = time.perf_counter() + timeout
        while resident_id not in self.seen:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"no hospitalized task within {timeout} s")
            await asyncio.sleep(0.01)
        return self.life_events[resident_id], self.seen[resident_id]


async def measure(root: Path, rows: int, stores: str) -> dict:
    stack = Stack(root / stores, stores)
    try:
        token = issue_token(DEV_JWT_SECRET, "bench", ["admin"], ["130303"])
        headers = {"Authorization": f"Bearer {token}"}
        api = {s: httpx.AsyncClient(base_url=p.url, headers=headers, timeout=600) for s, p in stack.services.items()}
        watch = await TaskWatch().start(stack.nats.url)
        for code in ORGS:
            (await api["registry"].put(f"/v1/orgs/{code}", json={"name": code})).raise_for_status()
        elder = await quiet_elder(api, watch)
        ledger = root / f"{stores}.csv"
        write_ledger(ledger, rows, seed=21)
        started = time.perf_counter()
        response = await api["registry"].post(f"/v1/communities/{COMMUNITY}/imports",
                                              files={"file": (ledger.name, ledger.read_bytes())})
        response.raise_for_status()
        while (job := (await api["registry"].get(response.headers["Location"])).json())["status"] == "running":
            await asyncio.sleep(0.2)
        imported = time.perf_counter() - started
        result = {"rows": job["rows_ok"], "import_s": imported}
        result.update(await right_after(api, watch, elder, stack.visits_commands))
        await caught_up({s: p.url for s, p in stack.services.items()})
        result["caught_up_s"] = time.perf_counter() - started
        result["cpu"] = stack.cpu()
        await watch.client.close()
        for client in api.values():
            await client.aclose()
        return result
    finally:
        stack.stop()


async def quiet_elder(api: dict[str, httpx.AsyncClient], watch: TaskWatch) -> str:
    """An 85-year-old in a household of their own, known to visits before the import starts."""
    household = await api["registry"].post(f"/v1/communities/{COMMUNITY}/households",
                                           json={"address": {"estate": "工农里", "building": "1"}})
    household.raise_for_status()
    body = {"name": "王长寿", "id_number": id_number(date(Clock().today().year - 85, 3, 1), seq=990),
            "household_id": household.json()["id"], "employment_status": "retired"}
    resident = await api["registry"].post(f"/v1/communities/{COMMUNITY}/residents", json=body)
    resident.raise_for_status()
    rid = resident.json()["id"]
    while not (await api["visits"].get(f"/v1/communities/{COMMUNITY}/visit-tasks",
                                       params={"resident_id": rid})).json()["items"]:
        await asyncio.sleep(0.1)  # its routine task: visits has the resident
    return rid


async def right_after(api: dict[str, httpx.AsyncClient], watch: TaskWatch, elder: str,
                      visits_commands: ServiceCommands) -> dict:
    """The hospitalisation, then the two listings while its task is on its way; visits' store commands meanwhile
    (its bulk lane's too: the aborted transactions show an urgent one run again)."""
    before = visits_commands.snapshot()
    recorded = time.perf_counter()
    (await api["registry"].post(f"/v1/residents/{elder}/life-events",
                                json={"kind": "hospitalized", "date": Clock().today().isoformat()})).raise_for_status()
    task = asyncio.create_task(watch.wait_for(elder))
    listings = []
    for _ in range(2):
        started = time.perf_counter()
        (await api["registry"].get(f"/v1/communities/{COMMUNITY}/residents",
                                   params={"group": "elderly_60", "limit": 50})).raise_for_status()
        listings.append(time.perf_counter() - started)
    on_bus, tasked = await task
    commands = visits_commands.snapshot() - before
    return {"visits_commands": commands, "first_listing_s": listings[0], "second_listing_s": listings[1],
            "life_event_to_task_s": tasked - recorded, "life_event_on_bus_s": on_bus - recorded}


async def caught_up(urls: dict[str, str]) -> None:
    while any((await gauges(urls)).values()):
        await asyncio.sleep(0.5)


def report(results: dict[str, dict]) -> None:
    rows = []
    for stores, r in results.items():
        rows.append([{"shared": "one shared", "own": "one per service"}[stores], r["rows"], round(r["import_s"], 1),
                     round(r["rows"] / r["import_s"]), round(r["caught_up_s"], 1),
                     round(r["caught_up_s"] / r["import_s"], 2), round(r["first_listing_s"] * 1000),
                     round(r["second_listing_s"] * 1000), round(r["life_event_to_task_s"] * 1000),
                     round(r["life_event_on_bus_s"] * 1000),
                     round((r["life_event_to_task_s"] - r["life_event_on_bus_s"]) * 1000)])
    print_table("A ledger imported with all five services running (listing and life event right after the import)",
                ["store processes", "rows", "import s", "rows/s", "caught up after s", "÷ import", "1st listing ms",
                 "2nd listing ms", "life event → task ms", "of which until the life event is on the bus",
                 "then in visits until the task is on the bus"], rows)
    print_table("visits' store commands from the hospitalisation until its task was on the bus (both lanes, relay)",
                ["store processes", "commands", "abortTransaction", "life_events", "by command and collection"],
                [[stores, sum(r["visits_commands"].values()), r["visits_commands"][("abortTransaction", "-")],
                  sum(n for (_, c), n in r["visits_commands"].items() if c == "life_events"),
                  breakdown(r["visits_commands"], 1, least=2)] for stores, r in results.items()])
    for stores, r in results.items():
        print_table(f"CPU seconds, store {stores}", ["process", "cpu s"], r["cpu"])


def main(rows: int = 3422, stores: str = "both") -> None:
    modes = ("shared", "own") if stores == "both" else (stores,)
    with tempfile.TemporaryDirectory(prefix="linli-stack-") as root:
        results = {mode: asyncio.run(measure(Path(root), rows, mode)) for mode in modes}
    report(results)


if __name__ == "__main__":
    main(*[int(a) for a in sys.argv[1:2]], *sys.argv[2:3])
