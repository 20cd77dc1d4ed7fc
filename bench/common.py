"""Shared bench plumbing: real servers in a temp folder, a registry process, percentiles."""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import httpx

from linli_devtools.servers import MongoServer, NatsServer, free_port


@contextmanager
def servers() -> Iterator[tuple[NatsServer, MongoServer]]:
    with tempfile.TemporaryDirectory(prefix="linli-bench-") as tmp:
        nats, mongo = NatsServer(Path(tmp) / "nats"), MongoServer(Path(tmp) / "db")
        nats.start()
        mongo.start(timeout=60)
        try:
            yield nats, mongo
        finally:
            nats.stop()
            mongo.stop()


@contextmanager
def service_process(service: str, nats: NatsServer, mongo: MongoServer, db: str | None = None) -> Iterator[str]:
    """One Linli service as its own process, as `make run` starts it; yields its base URL once ready."""
    port = free_port()
    prefix = f"LINLI_{service.upper()}"
    env = {**os.environ, "LINLI_NATS_URL": nats.url, "LINLI_MONGO_URL": mongo.url, f"{prefix}_PORT": str(port),
           f"{prefix}_MONGO_DB": db or f"bench_{service}", "LINLI_LOG_LEVEL": "WARNING",
           "LINLI_OUTBOX_POLL_SECONDS": "0.2"}
    proc = subprocess.Popen([sys.executable, "-m", f"linli_{service}.main"], env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            if proc.poll() is not None:
                raise RuntimeError(f"{service} exited with {proc.returncode}")
            try:
                if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples_ms, n=100)
    return {"p50": round(cuts[49], 2), "p95": round(cuts[94], 2), "n": len(samples_ms)}


def print_table(title: str, header: list[str], rows: list[list]) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    print(f"\n{title}")
    for row in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths)))
