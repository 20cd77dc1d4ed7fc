"""Shared bench plumbing: real servers in a temp folder, service processes, percentiles, tables."""
from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import AsyncIterator, Callable, Iterator

from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from pymongo import MongoClient, monitoring
from store_commands import CommandCounter

from linli_devtools import processes
from linli_devtools.servers import MongoServer, NatsServer
from linli_shared.outbox import OUTBOX

DISTRICT, STREETS = "130303", 10

# A MongoDB of your own (a replica set: the services use transactions) in place of a local SecantusDB,
# for the scale benches that say so; each run then writes to databases of its own.
EXTERNAL_MONGODB_URL = os.environ.get("LINLI_BENCH_MONGODB_URL")
RUN = time.strftime("%Y%m%d%H%M%S")


class ExternalMongo:
    """A store the bench did not start and must not stop."""

    def __init__(self, url: str) -> None:
        self.url = url

    def start(self, timeout: float = 0) -> ExternalMongo:
        return self

    def stop(self) -> None:
        pass


def mongo_server(folder: Path) -> MongoServer | ExternalMongo:
    return ExternalMongo(EXTERNAL_MONGODB_URL) if EXTERNAL_MONGODB_URL else MongoServer(folder)


def db_name(name: str) -> str:
    return f"{name}_{RUN}" if EXTERNAL_MONGODB_URL else name


@contextmanager
def servers(external_ok: bool = False) -> Iterator[tuple[NatsServer, MongoServer | ExternalMongo]]:
    """NATS and the store in a temp folder; `external_ok` benches name their databases with `db_name`."""
    with tempfile.TemporaryDirectory(prefix="linli-bench-") as tmp:
        folder = Path(tmp) / "db"
        nats, mongo = NatsServer(Path(tmp) / "nats"), mongo_server(folder) if external_ok else MongoServer(folder)
        nats.start()
        mongo.start(timeout=60)
        try:
            yield nats, mongo
        finally:
            nats.stop()
            mongo.stop()


def service_process(service: str, nats: NatsServer, mongo: MongoServer, db: str | None = None,
                    extra_env: dict[str, str] | None = None):
    """A service as its own process, logging only warnings so the bench measures work, not log writing;
    `extra_env` adds to its environment (`store_commands.ServiceCommands.env` counts its store commands)."""
    return processes.service_process(service, nats.url, mongo.url, db,
                                     extra_env={"LINLI_LOG_LEVEL": "WARNING", **(extra_env or {})})


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples_ms, n=100)
    return {"p50": round(cuts[49], 2), "p95": round(cuts[94], 2), "p99": round(cuts[98], 2), "n": len(samples_ms)}


def print_table(title: str, header: list[str], rows: list[list], flush: bool = False) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    print(f"\n{title}")
    for row in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True)))
    if flush:
        print(end="", flush=True)


def community_codes(communities: int) -> list[str]:
    """Community codes of a district of `communities`, spread over ten streets."""
    per_street = -(-communities // STREETS)
    return [f"{DISTRICT}{1 + i // per_street:03d}{1 + i % per_street:03d}" for i in range(communities)]


def memory_mib(pid: int, field: str = "VmRSS") -> float:
    """A process's resident memory (VmRSS) or its peak (VmHWM), from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return round((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), 1)


def drained(mongo_url: str, db: str) -> None:
    """Wait until a service's outbox has published everything written so far."""
    with MongoClient(mongo_url) as client:
        while client[db][OUTBOX].count_documents({"state": "pending"}):
            time.sleep(0.5)


@asynccontextmanager
async def seeded_app(make_app: Callable[[], FastAPI], seed: Callable[[], None],
                     residents: int) -> AsyncIterator[tuple[FastAPI, CommandCounter]]:
    """An app counting its store commands, started (its indexes exist before the data), then seeded in a thread."""
    counter = CommandCounter()
    monitoring.register(counter)  # every client created from here on, the app's among them
    app = make_app()
    async with LifespanManager(app, startup_timeout=120):
        started = time.perf_counter()
        await asyncio.to_thread(seed)
        print(f"seeded {residents} residents in {time.perf_counter() - started:.1f}s", flush=True)
        yield app, counter
