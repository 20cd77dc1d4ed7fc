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
def registry_process(nats: NatsServer, mongo: MongoServer, db: str) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "LINLI_NATS_URL": nats.url, "LINLI_MONGO_URL": mongo.url, "LINLI_REGISTRY_MONGO_DB": db,
           "LINLI_REGISTRY_PORT": str(port), "LINLI_LOG_LEVEL": "WARNING"}
    proc = subprocess.Popen([sys.executable, "-m", "linli_registry.main"], env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if proc.poll() is not None:
                raise RuntimeError(f"the registry exited with {proc.returncode}")
            try:
                if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
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
