"""Fuzz every service's OpenAPI with schemathesis against real processes: no 500s, no schema violations.

Run: .venv/bin/python bench/fuzz.py [max_examples] [service ...]   (needs `pip install schemathesis`; not a test
dependency)
Each service runs as its own process on real NATS and SecantusDB with a district admin token holding
pii:read, so the fuzzer reaches every route past auth; it prints schemathesis's summary per service.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from linli_devtools import processes
from linli_shared.auth import issue_token
from linli_shared.settings import DEV_JWT_SECRET

from common import servers

SERVICES = ("registry", "visits", "employment", "notify", "reports")


def fuzz(service: str, url: str, token: str, max_examples: int) -> int:
    command = [str(Path(sys.executable).parent / "st"), "run", f"{url}/openapi.json", "--url", url,
               "-H", f"Authorization: Bearer {token}", "--checks", "not_a_server_error,response_schema_conformance",
               "-n", str(max_examples), "--phases", "examples,coverage,fuzzing",
               "--no-color"]
    print(f"\n=== {service}", flush=True)
    return subprocess.run(command).returncode


def main(max_examples: int = 25, *only: str) -> int:
    token = issue_token(DEV_JWT_SECRET, "fuzzer", ["admin"], ["130303"], ["pii:read"], ttl_seconds=3600)
    failures = 0
    with servers() as (nats, mongo):
        for service in only or SERVICES:
            quiet = {"LINLI_LOG_LEVEL": "ERROR"}
            with processes.service_process(service, nats.url, mongo.url, extra_env=quiet) as url:
                failures += fuzz(service, url, token, max_examples) != 0
    print(f"\nservices with findings: {failures} of {len(only or SERVICES)}")
    return failures


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 25, *sys.argv[2:]))
