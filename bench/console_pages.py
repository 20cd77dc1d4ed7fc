"""Console page times for a community of 3,400 residents: p50/p95 of each key page as the browser asks for it
(the console and the five services as real processes, the ledger imported first, with a few bad rows).

Run: .venv/bin/python bench/console_pages.py [RESIDENTS] [REQUESTS_PER_PAGE]     (goal: every p95 < 300 ms)
"""
from __future__ import annotations

import csv
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import httpx

from linli_shared.auth import PII_READ, issue_token
from linli_shared.settings import DEV_JWT_SECRET

from common import percentiles, print_table, servers, service_process
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
        "resident search": f"{urls['registry']}/v1/communities/{COMMUNITY}/residents?q={resident['name'][0]}",
        "job matches": f"{urls['employment']}/v1/jobs/{job['id']}/matches?limit=20"}
    return pages, calls


def measure(base: str, pages: dict[str, str], n: int) -> list[list]:
    token = issue_token(DEV_JWT_SECRET, "bench-worker", ["worker", "admin"], [COMMUNITY], [PII_READ])
    rows = []
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as browser:
        for name, path in pages.items():
            warm = browser.get(path)  # the first request fills the services' caches
            if warm.status_code != 200:
                rows.append([name, path.split("?")[0].split("/v1")[-1][:40], "-", "-", 0, f"HTTP {warm.status_code}"])
                continue
            samples, failed = [], 0
            for _ in range(n):
                started = time.perf_counter()
                failed += browser.get(path).status_code != 200  # a failure's time still counts in the sample
                samples.append((time.perf_counter() - started) * 1000)
            cut = percentiles(samples)
            rows.append([name, path.split("?")[0].split("/v1")[-1][:40], cut["p50"], cut["p95"], cut["n"],
                         ("yes" if cut["p95"] < 300 else "NO") + (f", {failed} failed" if failed else "")])
    return rows


def main(residents: int = 3400, n: int = 40) -> None:
    with servers() as (nats, mongo), ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        urls = {s: stack.enter_context(service_process(s, nats, mongo)) for s in SERVICES}
        console = stack.enter_context(service_process(
            "console", nats, mongo, extra_env={f"LINLI_CONSOLE_{s.upper()}_URL": u for s, u in urls.items()}))
        pages, calls = prepare(urls, residents, Path(tmp))
        header = ["page", "path", "p50", "p95", "n", "p95 < 300"]
        print_table(f"Console pages, one community of {residents} residents, {n} requests each (ms)", header,
                    measure(console, pages, n), flush=True)
        print_table("The services' calls behind them, asked directly (ms)", header, measure("", calls, n))


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
