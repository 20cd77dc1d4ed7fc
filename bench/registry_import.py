"""Importing a committee ledger and exporting it again, against the registry as its own process.

Prints rows per second for a first import of an N-row GB18030 CSV ledger, the registry's peak memory
(VmHWM) beside its memory before, the same file imported again (nothing changes, nothing published),
and the time to export all N rows as XLSX.
Run: .venv/bin/python bench/registry_import.py [rows]
"""
from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

import httpx

from linli_devtools.orgs import COMMUNITY, ORG_TREE
from linli_devtools.processes import ServiceProcess
from linli_devtools.streams import stream_messages
from linli_shared.auth import issue_token
from linli_shared.settings import DEV_JWT_SECRET

from common import drained, memory_mib, print_table, servers
from ledgers import write_ledger


def run_import(api: httpx.Client, path: Path) -> tuple[dict, float]:
    started = time.perf_counter()
    with path.open("rb") as f:
        response = api.post(f"/v1/communities/{COMMUNITY}/imports", files={"file": ("台账.csv", f)})
    response.raise_for_status()
    while (job := api.get(response.headers["Location"]).json())["status"] == "running":
        time.sleep(0.5)
    return job, time.perf_counter() - started


def main(rows: int) -> None:
    token = issue_token(DEV_JWT_SECRET, "bench", ["admin"], ["130303"], ["pii:read"], ttl_seconds=7200)
    with servers() as (nats_server, mongo), tempfile.TemporaryDirectory() as tmp:
        ledger = Path(tmp) / "ledger.csv"
        write_ledger(ledger, rows)
        registry = ServiceProcess("registry", Path(tmp) / "registry", nats_server.url, mongo.url, "bench").start()
        api = httpx.Client(base_url=registry.url, headers={"Authorization": f"Bearer {token}"}, timeout=600)
        for code, name in ORG_TREE:
            api.put(f"/v1/orgs/{code}", json={"name": name}).raise_for_status()
        before = memory_mib(registry.proc.pid, "VmRSS")
        first, first_s = run_import(api, ledger)
        peak = memory_mib(registry.proc.pid, "VmHWM")
        drained(mongo.url, "bench")
        published = asyncio.run(stream_messages(nats_server.url, "REGISTRY"))
        second, second_s = run_import(api, ledger)
        drained(mongo.url, "bench")
        republished = asyncio.run(stream_messages(nats_server.url, "REGISTRY")) - published
        started = time.perf_counter()
        export = api.get(f"/v1/communities/{COMMUNITY}/residents.xlsx")
        export.raise_for_status()
        export_s = time.perf_counter() - started
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


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
