"""A whole district through the public ledger import, against the registry alone: issue 8's 300,000 residents.

One GB18030 ledger per community (households of one to four, some split over non-adjacent rows) is
uploaded to `POST /v1/communities/{code}/imports`; all jobs are queued at once and run one after the
other. Prints the rows per second, the registry's memory, the district's statistics cold and cached,
and one community's export. The consumers' side of the same load is `load.py` (they catch up at their
own rate; on SecantusDB that is the slower half).
Run: .venv/bin/python bench/district_import.py [communities] [residents_per_community]
(LINLI_BENCH_MONGODB_URL=<a MongoDB replica set> runs it against that store instead of a local SecantusDB.)
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import httpx

from linli_devtools.processes import ServiceProcess
from linli_shared.auth import issue_token
from linli_shared.settings import DEV_JWT_SECRET

from common import DISTRICT, community_codes, db_name, drained, memory_mib, print_table, servers
from ledgers import write_ledger


def timed(call) -> tuple[httpx.Response, float]:
    started = time.perf_counter()
    response = call()
    response.raise_for_status()
    return response, time.perf_counter() - started


def main(communities: int = 100, residents: int = 3000) -> None:
    token = issue_token(DEV_JWT_SECRET, "bench", ["admin"], [DISTRICT], ["pii:read"], ttl_seconds=86400)
    codes = community_codes(communities)
    with servers(external_ok=True) as (nats_server, mongo), tempfile.TemporaryDirectory() as tmp:
        db = db_name("bench_registry")
        registry = ServiceProcess("registry", Path(tmp) / "registry", nats_server.url, mongo.url, db).start()
        api = httpx.Client(base_url=registry.url, headers={"Authorization": f"Bearer {token}"}, timeout=600)
        for code in [DISTRICT, *sorted({c[:9] for c in codes}), *codes]:
            api.put(f"/v1/orgs/{code}", json={"name": code}).raise_for_status()
        started, jobs = time.perf_counter(), []
        for n, code in enumerate(codes):
            ledger = Path(tmp) / f"{code}.csv"
            write_ledger(ledger, residents, seed=n, first_index=n * residents)
            response = api.post(f"/v1/communities/{code}/imports", files={"file": (ledger.name, ledger.read_bytes())})
            response.raise_for_status()
            jobs.append(response.headers["Location"])
            ledger.unlink()
        ok = failed = 0
        for location in jobs:
            while (job := api.get(location).json())["status"] == "running":
                time.sleep(2)
            ok, failed = ok + job["rows_ok"], failed + job["rows_failed"]
        imported = time.perf_counter() - started
        peak = memory_mib(registry.proc.pid, "VmHWM")
        drained(mongo.url, db)
        cold = timed(lambda: api.get(f"/v1/orgs/{DISTRICT}/statistics"))
        cached = timed(lambda: api.get(f"/v1/orgs/{DISTRICT}/statistics"))
        export = timed(lambda: api.get(f"/v1/communities/{codes[0]}/residents.xlsx"))
        registry.stop()

    print_table(f"District import: {communities} communities × {residents:,} residents",
                ["rows ok", "rows failed", "seconds", "rows/s", "registry peak MiB"],
                [[ok, failed, round(imported), round(ok / imported), peak]])
    residents_total = cold[0].json()["statistics"]["residents"]
    print_table("Then", ["district statistics cold s", "cached s", "residents counted", "one community's export s"],
                [[round(cold[1], 1), round(cached[1], 2), residents_total, round(export[1], 1)]])


if __name__ == "__main__":
    main(*[int(a) for a in sys.argv[1:]])
