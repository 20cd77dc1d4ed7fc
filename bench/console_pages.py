"""Console page times for a community of 3,400 residents: p50/p95 of each key page as the browser asks for it
(the console and the five services as real processes, each service on a store process of its own as `make run`
starts them, the ledger imported first, with a few bad rows).

Each page is timed twice: right after the import, while the other services' consumers still catch up with its
events ("during catch-up"), and once every outbox and consumer has caught up ("steady", where the goal holds).
For the steady run it prints what is behind each page: the API calls the console made (from its `Server-Timing`
header: calls per page and their summed time) and each service's store commands per page.

Run: .venv/bin/python bench/console_pages.py [RESIDENTS] [REQUESTS_PER_PAGE]     (goal: every p95 < 300 ms)
"""
from __future__ import annotations

import asyncio
import csv
import sys
import tempfile
import time
from collections import Counter, defaultdict
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import httpx
from load import gauges
from store_commands import ServiceCommands, breakdown, per_operation, relay_commands

from linli_devtools.servers import MongoServer, NatsServer
from linli_shared.auth import PII_READ, issue_token
from linli_shared.settings import DEV_JWT_SECRET

from common import percentiles, print_table, service_process
from ledgers import write_ledger

DISTRICT, STREET, COMMUNITY = "130303", "130303001", "130303001001"
SERVICES = ("registry", "visits", "employment", "notify", "reports")
BAD_ROWS = 20  # ID numbers with a wrong check digit: the ledger errors page has rows to show


def _ledger(folder: Path, residents: int) -> Path:
    path = folder / "台账.csv"
    write_ledger(path, residents)
    with path.open("a", encoding="gb18030", newline="") as f:
        csv.writer(f).writerows([[f"X{i}", "小区1", "1", "1", "101", "户主", "错号", f"13030319500101{i:03d}0"]
                                 + [""] * 8 for i in range(BAD_ROWS)])
    return path


def _wait(check, what: str, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.5)


def prepare(urls: dict[str, str], residents: int, folder: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The org tree, the ledger imported (and followed by visits and employment), a posting: the pages' paths."""
    admin = {"Authorization": f"Bearer {issue_token(DEV_JWT_SECRET, 'bench', ['admin'], [DISTRICT], [PII_READ])}"}
    with httpx.Client(headers=admin, timeout=120) as api:
        for code in (DISTRICT, STREET, COMMUNITY):
            api.put(f"{urls['registry']}/v1/orgs/{code}", json={"name": code}).raise_for_status()
        started = api.post(f"{urls['registry']}/v1/communities/{COMMUNITY}/imports",
                           files={"file": ("台账.csv", _ledger(folder, residents).read_bytes())})
        started.raise_for_status()
        job_url = urls["registry"] + started.headers["Location"]
        _wait(lambda: api.get(job_url).json()["status"] != "running", "the import")
        seekers = f"{urls['employment']}/v1/communities/{COMMUNITY}/job-seekers"
        _wait(lambda: api.get(seekers, params={"limit": 1}).json()["items"], "employment's seekers")
        tasks = f"{urls['visits']}/v1/communities/{COMMUNITY}/visit-tasks"
        _wait(lambda: api.get(tasks, params={"limit": 1}).json()["items"], "visits' tasks")
        employer = api.post(f"{urls['employment']}/v1/employers",
                            json={"name": "绿色假日酒店", "kind": "business", "community_code": COMMUNITY}).json()
        job = api.post(f"{urls['employment']}/v1/jobs", json={
            "employer_id": employer["id"], "title": "保洁员", "category": "cleaning", "headcount": 2,
            "wage_min_cny": 2000, "wage_max_cny": 2600}).json()
        resident = api.get(f"{urls['registry']}/v1/communities/{COMMUNITY}/residents",
                           params={"limit": 1}).json()["items"][0]
    pages = {"worker day": "/", "resident search": f"/residents?q={resident['name'][0]}",
            "resident card": f"/residents/{resident['id']}", "community statistics": "/community",
            "ledger errors": f"/ledger/imports/{started.json()['import_id']}",
             "job matches": f"/jobs/postings/{job['id']}"}
    month = {"from": date.today().replace(day=1).isoformat(), "to": date.today().isoformat()}
    calls = {  # the slowest calls behind the pages, asked directly: what the console adds is the difference
        "registry statistics": f"{urls['registry']}/v1/orgs/{COMMUNITY}/statistics",
        "visit statistics": f"{urls['visits']}/v1/orgs/{COMMUNITY}/visit-statistics?{urlencode(month)}",
        "employment statistics": f"{urls['employment']}/v1/orgs/{COMMUNITY}/employment-statistics?{urlencode(month)}",
        "open visit tasks": f"{urls['visits']}/v1/communities/{COMMUNITY}/visit-tasks?status=open&limit=500",
        "worker's due tasks": f"{urls['visits']}/v1/communities/{COMMUNITY}/visit-tasks?status=pending&order=due"
                              f"&window_open_on={date.today().isoformat()}&limit=200",
        "a resident's tasks": f"{urls['visits']}/v1/communities/{COMMUNITY}/visit-tasks?status=pending"
                              f"&resident_id={resident['id']}",
        "resident search": f"{urls['registry']}/v1/communities/{COMMUNITY}/residents?q={resident['name'][0]}",
        "resident read": f"{urls['registry']}/v1/residents/{resident['id']}?reveal=false",
        "job matches": f"{urls['employment']}/v1/jobs/{job['id']}/matches?limit=20"}
    return pages, calls


class Behind:
    """What a page costs behind the console: its API calls (from `Server-Timing`) and each service's store commands."""

    def __init__(self, commands: dict[str, ServiceCommands]) -> None:
        self.commands = commands
        self.calls: Counter[str] = Counter()
        self.call_ms: defaultdict[str, float] = defaultdict(float)

    def add_timing(self, header: str) -> None:
        for entry in filter(None, (e.strip() for e in header.split(","))):
            service, _, duration = entry.partition(";dur=")
            self.calls[service] += 1
            self.call_ms[service] += float(duration or 0)

    def snapshot(self) -> dict[str, Counter]:
        return {s: c.snapshot() for s, c in self.commands.items()}

    def row(self, name: str, before: dict[str, Counter], requests: int) -> list:
        calls = ", ".join(f"{s} {n / requests:.0f} ({self.call_ms[s] / requests:.0f} ms)"
                          for s, n in self.calls.most_common()) or "-"
        stored = []
        for service, counter in self.commands.items():
            counts = counter.snapshot() - before[service]
            counts -= relay_commands(counts)
            if sum(counts.values()) >= requests / 2:  # not a poll of its own that landed in the window
                stored.append(f"{service} {per_operation(counts, requests)}: {breakdown(counts, requests, 0.1)}")
        return [name, calls, "; ".join(stored) or "-"]


def measure(base: str, pages: dict[str, str], n: int, behind: Behind | None = None) -> tuple[list[list], list[list]]:
    token = issue_token(DEV_JWT_SECRET, "bench-worker", ["worker", "admin"], [COMMUNITY], [PII_READ])
    rows, costs = [], []
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as browser:
        for name, path in pages.items():
            warm = browser.get(path)  # the first request fills the services' caches
            if warm.status_code != 200:
                rows.append([name, path.split("?")[0].split("/v1")[-1][:40], "-", "-", 0, f"HTTP {warm.status_code}"])
                continue
            samples, failed = [], 0
            if behind:
                before, behind.calls, behind.call_ms = behind.snapshot(), Counter(), defaultdict(float)
            for _ in range(n):
                started = time.perf_counter()
                response = browser.get(path)
                samples.append((time.perf_counter() - started) * 1000)
                failed += response.status_code != 200  # a failure's time still counts in the sample
                if behind:
                    behind.add_timing(response.headers.get("server-timing", ""))
            if behind:
                costs.append(behind.row(name, before, n))
            cut = percentiles(samples)
            rows.append([name, path.split("?")[0].split("/v1")[-1][:40], cut["p50"], cut["p95"], cut["n"],
                         ("yes" if cut["p95"] < 300 else "NO") + (f", {failed} failed" if failed else "")])
    return rows, costs


def lag(urls: dict[str, str]) -> str:
    found = asyncio.run(gauges(urls))
    return (f"outbox pending {found['linli_outbox_pending']:,.0f}, "
            f"consumer pending {found['linli_consumer_pending_messages']:,.0f}")


def caught_up(urls: dict[str, str]) -> None:
    _wait(lambda: not any(asyncio.run(gauges(urls)).values()), "every consumer caught up", timeout=1800)


def main(residents: int = 3400, n: int = 40) -> None:
    with tempfile.TemporaryDirectory(prefix="linli-bench-") as tmp, ExitStack() as stack:
        root = Path(tmp)
        nats = NatsServer(root / "nats").start()
        stack.callback(nats.stop)
        commands = {s: stack.enter_context(ServiceCommands()) for s in SERVICES}
        urls = {}
        for service in SERVICES:  # a store process per service, as `make run` starts them
            store = MongoServer(root / "db" / service).start(timeout=60)
            stack.callback(store.stop)
            urls[service] = stack.enter_context(service_process(service, nats, store, extra_env=commands[service].env))
        console = stack.enter_context(service_process(
            "console", nats, store, extra_env={f"LINLI_CONSOLE_{s.upper()}_URL": u for s, u in urls.items()}))
        pages, calls = prepare(urls, residents, root)
        header = ["page", "path", "p50", "p95", "n", "p95 < 300"]
        print(f"\nbefore: {lag(urls)}", flush=True)
        during, _ = measure(console, pages, n)
        print(f"after: {lag(urls)}", flush=True)
        print_table(f"Console pages during catch-up, one community of {residents} residents, {n} requests each (ms)",
                    header, during, flush=True)
        started = time.perf_counter()
        caught_up(urls)
        print(f"\nevery consumer caught up {time.perf_counter() - started:.0f} s later", flush=True)
        steady, costs = measure(console, pages, n, Behind(commands))
        print_table(f"Console pages, steady (every consumer caught up), {n} requests each (ms)", header, steady)
        print_table("Behind each page (steady), per request: API calls (their summed ms) and store commands",
                    ["page", "API calls", "store commands"], costs)
        print_table("The services' calls behind them, asked directly, steady (ms)", header, measure("", calls, n)[0])


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
