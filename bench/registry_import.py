"""Importing a committee ledger and exporting it again, against the registry as its own process.

Prints rows per second for a first import of an N-row GB18030 CSV ledger, the registry's peak memory
(VmHWM) beside its memory before, the community's first group listing right after that import (and the
next one; the listing was opened once before the import, as in a registry in use), the same file imported
again (nothing changes, nothing published),
and the time to export all N rows as XLSX; for each, the registry's store commands (per 100 rows, by command and
collection, the outbox relay's apart: `store_commands`) and its CPU seconds.
Run: .venv/bin/python bench/registry_import.py [rows]
"""
from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx
from store_commands import ServiceCommands, breakdown, relay_commands

from linli_devtools.orgs import COMMUNITY, ORG_TREE
from linli_devtools.processes import ServiceProcess
from linli_devtools.streams import stream_messages
from linli_shared.auth import issue_token
from linli_shared.settings import DEV_JWT_SECRET

from common import drained, memory_mib, print_table, servers
from ledgers import write_ledger


class CountedRegistry(ServiceProcess):
    """The registry as its own process, its store commands counted by `store_commands`."""

    def __init__(self, store: ServiceCommands, *args: object) -> None:
        super().__init__("registry", *args)
        self.store = store

    def env(self) -> dict[str, str]:
        return {**super().env(), **self.store.env}


def job_polls(counts: Counter) -> Counter:
    """What `run_import`'s polls of the job cost the store: its reads of the job and of its row errors."""
    return Counter({key: count for key, count in counts.items()
                    if key in {("find", "imports"), ("find", "import_errors")}})


class Measured:
    """Store commands and CPU seconds of the registry over one step."""

    def __init__(self, store: ServiceCommands) -> None:
        self.store, self.commands, self.cpu = store, store.snapshot(), store.cpu_seconds()

    def done(self) -> Measured:
        self.commands, self.cpu = self.store.snapshot() - self.commands, self.store.cpu_seconds() - self.cpu
        return self


def run_import(api: httpx.Client, path: Path) -> tuple[dict, float]:
    started = time.perf_counter()
    with path.open("rb") as f:
        response = api.post(f"/v1/communities/{COMMUNITY}/imports", files={"file": ("台账.csv", f)})
    response.raise_for_status()
    while (job := api.get(response.headers["Location"]).json())["status"] == "running":
        time.sleep(0.5)
    return job, time.perf_counter() - started


def group_listing(api: httpx.Client, store: ServiceCommands) -> tuple[float, int, Counter]:
    """The first page of the community's 60+ residents: seconds, residents in the group's first page, commands."""
    before, started = store.snapshot(), time.perf_counter()
    response = api.get(f"/v1/communities/{COMMUNITY}/residents", params={"group": "elderly_60", "limit": 50})
    response.raise_for_status()
    return time.perf_counter() - started, len(response.json()["items"]), store.snapshot() - before


def main(rows: int) -> None:
    token = issue_token(DEV_JWT_SECRET, "bench", ["admin"], ["130303"], ["pii:read"], ttl_seconds=7200)
    with ServiceCommands() as store, servers() as (nats_server, mongo), tempfile.TemporaryDirectory() as tmp:
        ledger = Path(tmp) / "ledger.csv"
        write_ledger(ledger, rows)
        registry = CountedRegistry(store, Path(tmp) / "registry", nats_server.url, mongo.url, "bench").start()
        api = httpx.Client(base_url=registry.url, headers={"Authorization": f"Bearer {token}"}, timeout=600)
        for code, name in ORG_TREE:
            api.put(f"/v1/orgs/{code}", json={"name": name}).raise_for_status()
        group_listing(api, store)  # the community's facts are kept in the process, as in a registry in use
        before = memory_mib(registry.proc.pid, "VmRSS")
        measured = [Measured(store)]
        first, first_s = run_import(api, ledger)
        listings = [group_listing(api, store), group_listing(api, store)]
        peak = memory_mib(registry.proc.pid, "VmHWM")
        drained(mongo.url, "bench")  # the relay's publishing of the import's events counts towards it
        published = asyncio.run(stream_messages(nats_server.url, "REGISTRY"))
        measured = [measured[0].done(), Measured(store)]
        measured[0].commands -= sum((listing[2] for listing in listings), Counter())
        second, second_s = run_import(api, ledger)
        drained(mongo.url, "bench")
        republished = asyncio.run(stream_messages(nats_server.url, "REGISTRY")) - published
        measured = [*measured[:1], measured[1].done(), Measured(store)]
        started = time.perf_counter()
        export = api.get(f"/v1/communities/{COMMUNITY}/residents.xlsx")
        export.raise_for_status()
        export_s = time.perf_counter() - started
        measured[2].done()
        registry.stop()

    mib = round(len(export.content) / 2**20, 1)
    print_table(f"Ledger import and export, {rows:,} rows",
                ["run", "seconds", "rows/s", "ok", "failed", "created", "unchanged", "events"],
                [["first import", round(first_s, 1), round(rows / first_s), first["rows_ok"], first["rows_failed"],
                  first["residents_created"], first["residents_unchanged"], published],
                 ["same file again", round(second_s, 1), round(rows / second_s), second["rows_ok"],
                  second["rows_failed"], second["residents_created"], second["residents_unchanged"], republished],
                 ["export (XLSX)", round(export_s, 1), round(rows / export_s), "", "", "", "", ""]])
    print(f"\nregistry memory: {before} MiB before the import, peak {peak} MiB (VmHWM); export file {mib} MiB")
    print_table("Right after the first import: the community's residents aged 60 and over (first page of 50), "
                "seconds and the registry's store commands",
                ["listing", "seconds", "items", "commands"],
                [[name, round(s, 2), items, sum(c.values())]
                 for name, (s, items, c) in zip(("first", "next"), listings, strict=True)])
    hundreds = rows / 100
    table = []
    for name, m in zip(("first import", "same file again", "export (XLSX)"), measured, strict=True):
        relay, polls = relay_commands(m.commands), job_polls(m.commands)
        table.append([name, round(sum((m.commands - relay - polls).values()) / hundreds, 2),
                      round(sum(relay.values()) / hundreds, 2), round(sum(polls.values()) / hundreds, 2),
                      round(m.cpu, 1)])
    print_table("The registry's store commands per 100 rows (apart: the outbox relay's, which publishes the events, "
                "and the bench's polls of the job, GET every 0.5 s, both growing with the time taken); its CPU seconds",
                ["run", "commands", "+ relay's", "+ polls'", "CPU s"], table)
    for name, m in zip(("first import", "same file again", "export (XLSX)"), measured, strict=True):
        print(f"  {name}, per 100 rows: {breakdown(m.commands, hundreds)}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
