"""End-to-end latency from a registry life event to the visits task it causes (p50, p95).

Registry and visits run as their own processes on real NATS and the store; each sample records a
hospitalisation for an 80+ resident through the registry API and polls the visits API until the
`hospitalized` task is there. Run: .venv/bin/python bench/visits_latency.py [samples]
"""
from __future__ import annotations

import sys
import time
from datetime import date, timedelta

import httpx

from linli_devtools.people import id_number
from linli_shared.auth import issue_token
from linli_shared.clock import Clock
from linli_shared.settings import DEV_JWT_SECRET

from common import percentiles, print_table, servers, service_process

COMMUNITY = "130303001001"


def main(samples: int = 100) -> None:
    token = issue_token(DEV_JWT_SECRET, "bench", ["admin"], ["130303"])
    headers = {"Authorization": f"Bearer {token}"}
    today = Clock().today()
    latencies = []
    with servers() as (nats, mongo), service_process("registry", nats, mongo) as registry_url, \
            service_process("visits", nats, mongo) as visits_url, \
            httpx.Client(base_url=registry_url, headers=headers) as registry, \
            httpx.Client(base_url=visits_url, headers=headers) as visits:
        for code in ("130303", "130303001", COMMUNITY):
            registry.put(f"/v1/orgs/{code}", json={"name": code}).raise_for_status()
        for i in range(samples):
            birth = date(1936, 1, 1) + timedelta(days=i)
            resident = registry.post(f"/v1/communities/{COMMUNITY}/residents",
                                     json={"name": "王小明", "id_number": id_number(birth, seq=i)}).json()
            started = time.perf_counter()
            registry.post(f"/v1/residents/{resident['id']}/life-events",
                          json={"kind": "hospitalized", "date": today.isoformat()}).raise_for_status()
            while not visits.get(f"/v1/communities/{COMMUNITY}/visit-tasks",
                                 params={"resident_id": resident["id"], "reason": "hospitalized"}).json()["items"]:
                if time.perf_counter() - started > 30:
                    raise TimeoutError("no task within 30 s")
                time.sleep(0.002)
            latencies.append((time.perf_counter() - started) * 1000)
    p = percentiles(latencies)
    print_table("Registry life event → visits task, end to end through both APIs, the outbox, JetStream and the "
                "consumer (ms)", ["samples", "p50", "p95"], [[p["n"], p["p50"], p["p95"]]])


if __name__ == "__main__":
    main(*[int(a) for a in sys.argv[1:]])
