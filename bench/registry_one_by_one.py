"""A community registered one by one through the registry API with all five services up: households first, then
each resident, one request at a time; then the community's statistics right after the last registration.

Every service runs as its own process with a store process of its own (as in `bench/load.py`), so the consumers of
`resident.registered` (visits, employment, notify, reports) work while the registrations go on. Prints households/s,
residents/s, the registry's store commands per registration (counted in its process), the statistics' latency right
after (and once more, cached), the consumers' lag at that moment, and the CPU each process spent per resident.

Run: .venv/bin/python bench/registry_one_by_one.py [residents]   (issue 21's row: 3422)
"""
from __future__ import annotations

import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path

import httpx
from load import SERVICES, gauges
from store_commands import ServiceCommands, breakdown, per_operation

from linli_devtools.processes import ServiceProcess
from linli_devtools.servers import NatsServer
from linli_shared.auth import issue_token
from linli_shared.settings import DEV_JWT_SECRET

from common import cpu_seconds, db_name, mongo_server, print_table
from ledgers import person_number

COMMUNITY = "130303001001"
RELATIONS = ("spouse", "child", "parent", "grandchild")


class Counted(ServiceProcess):
    """A service process whose store commands `ServiceCommands` counts."""

    def __init__(self, *args, extra_env: dict[str, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.extra_env = extra_env

    def env(self) -> dict[str, str]:
        return {**super().env(), **self.extra_env}


def household_sizes(residents: int, seed: int = 7) -> list[int]:
    """Households of one to four, as the ledgers have them, `residents` people in all."""
    rng, sizes = random.Random(seed), []
    while (left := residents - sum(sizes)) > 0:
        sizes.append(min(rng.choice((1, 2, 2, 3, 4)), left))
    return sizes


async def statistics_after(client: httpx.AsyncClient) -> list[float | str]:
    """The statistics twice: right after the writes, then again (cached); ms, or 'timeout' past 60 s."""
    took: list[float | str] = []
    for _ in range(2):
        started = time.perf_counter()
        try:
            (await client.get(f"/v1/orgs/{COMMUNITY}/statistics", timeout=60)).raise_for_status()
            took.append(round((time.perf_counter() - started) * 1000, 1))
        except httpx.TimeoutException:
            took.append("timeout (60 s)")
    return took


def cpu_of(processes: dict) -> dict[str, float]:
    """CPU seconds (user + system) each process has used so far."""
    return {name: cpu_seconds(process.proc.pid) for name, process in processes.items()}


async def register(urls: dict[str, str], residents: int, commands: ServiceCommands, procs: dict,
                   stores: dict) -> None:
    token = issue_token(DEV_JWT_SECRET, "bench", ["admin"], ["130303"], ttl_seconds=4 * 3600)
    async with httpx.AsyncClient(base_url=urls["registry"], headers={"Authorization": f"Bearer {token}"},
                                 timeout=30) as client:
        for code in ("130303", "130303001", COMMUNITY):
            (await client.put(f"/v1/orgs/{code}", json={"name": code})).raise_for_status()
        sizes = household_sizes(residents)
        before, started = commands.snapshot(), time.perf_counter()
        households = []
        for n in range(len(sizes)):
            response = await client.post(f"/v1/communities/{COMMUNITY}/households", json={
                "address": {"estate": f"小区{n % 40 + 1}", "building": str(n % 60 + 1), "unit": str(n % 6 + 1),
                            "room": str(n % 30 + 101)}})
            response.raise_for_status()
            households.append(response.json()["id"])
        household_s, between = time.perf_counter() - started, commands.snapshot()
        cpu_before = {**cpu_of(procs), **{f"{s} store": c for s, c in cpu_of(stores).items()}}
        started, index = time.perf_counter(), 0
        for household, size in zip(households, sizes, strict=True):
            for member in range(size):
                gender = ("male", "female")[index % 2]
                (await client.post(f"/v1/communities/{COMMUNITY}/residents", json={
                    "name": "王小明", "id_number": person_number(index, gender), "household_id": household,
                    "relation_to_head": "head" if member == 0 else RELATIONS[index % 4]})).raise_for_status()
                index += 1
        resident_s, after = time.perf_counter() - started, commands.snapshot()
        cpu = {name: used - cpu_before[name] for name, used in
               {**cpu_of(procs), **{f"{s} store": c for s, c in cpu_of(stores).items()}}.items()}
        lag = await gauges(urls)
        stats = await statistics_after(client)
    print_table(f"{residents} residents in {len(sizes)} households registered one by one through the registry API, "
                "all five services up (each with its own store process)",
                ["households", "households/s", "residents", "residents/s", "statistics right after ms",
                 "again ms", "consumer pending then"],
                [[len(sizes), round(len(sizes) / household_s, 1), residents, round(residents / resident_s, 1),
                  stats[0], stats[1], lag["linli_consumer_pending_messages"]]])
    print_table("CPU ms per resident registered, while they were (each service and its store; consumers included)",
                ["", *SERVICES], [["service", *[round(cpu[s] * 1000 / residents, 1) for s in SERVICES]],
                                  ["its store", *[round(cpu[f"{s} store"] * 1000 / residents, 1) for s in SERVICES]]])
    print("\nThe registry's store commands per household and per resident (the outbox relay's among them):")
    print(f"  household ({per_operation(between - before, len(sizes))}): {breakdown(between - before, len(sizes))}")
    print(f"  resident ({per_operation(after - between, residents)}): {breakdown(after - between, residents)}")


def main(residents: int = 3422) -> None:
    with tempfile.TemporaryDirectory(prefix="linli-one-by-one-") as folder, ServiceCommands() as commands:
        root = Path(folder)
        nats_server = NatsServer(root / "nats").start()
        stores = {s: mongo_server(root / "db" / s).start(timeout=60) for s in SERVICES}
        procs = {s: ServiceProcess(s, root / s, nats_server.url, stores[s].url, db_name(f"one_{s}")) for s in SERVICES}
        procs["registry"] = Counted("registry", root / "registry", nats_server.url, stores["registry"].url,
                                    db_name("one_registry"), extra_env=commands.env)
        try:
            for process in procs.values():
                process.start()
            asyncio.run(register({s: p.url for s, p in procs.items()}, residents, commands, procs, stores))
        finally:
            for process in (*procs.values(), *stores.values(), nats_server):
                process.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3422)
