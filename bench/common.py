"""Shared bench plumbing: real servers in a temp folder, service processes, percentiles, tables."""
from __future__ import annotations

import statistics
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from linli_devtools import processes
from linli_devtools.servers import MongoServer, NatsServer


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


def service_process(service: str, nats: NatsServer, mongo: MongoServer, db: str | None = None):
    """A service as its own process, logging only warnings so the bench measures work, not log writing."""
    return processes.service_process(service, nats.url, mongo.url, db, extra_env={"LINLI_LOG_LEVEL": "WARNING"})


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples_ms, n=100)
    return {"p50": round(cuts[49], 2), "p95": round(cuts[94], 2), "p99": round(cuts[98], 2), "n": len(samples_ms)}


def print_table(title: str, header: list[str], rows: list[list]) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    print(f"\n{title}")
    for row in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True)))
