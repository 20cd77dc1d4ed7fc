"""What SecantusDB's TTL sweep costs a reader, at SecantusDB's interval and at ours.

An outbox keeps its sent entries for days (the durable log ops re-publish from); after a district's
import the registry's holds about 400,000. SecantusDB expires a TTL index by decoding every document
of the collection under its storage lock, so each sweep stalls every other command of that store.
This fills one outbox with `entries` sent events (none old enough to expire), then reads one entry by
`_id` every 20 ms for `seconds`: first with SecantusDB's sweep every 60 s, then, same data, with the
interval our launcher gives it (`linli_devtools.secantusd`). MongoDB's TTL monitor walks the index.
Run: .venv/bin/python bench/store_ttl_sweep.py [entries] [seconds]
"""
from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from consumer_throughput import resident_event
from pymongo import MongoClient

from linli_devtools.servers import TTL_SWEEP_SECONDS, MongoServer
from linli_shared.outbox import OUTBOX, _entry, outbox_indexes

from common import percentiles, print_table

SEED_BATCH = 2000
SECANTUS_DEFAULT_SWEEP = 60.0


def fill(url: str, entries: int) -> list[str]:
    outbox = MongoClient(url).linli[OUTBOX]
    outbox.create_indexes(outbox_indexes(retention_days=7)[OUTBOX])
    now, ids = datetime.now(UTC), []
    for start in range(0, entries, SEED_BATCH):
        docs = [_entry(resident_event(n), now) | {"state": "sent", "sent_at": now}
                for n in range(start, min(start + SEED_BATCH, entries))]
        outbox.insert_many(docs)
        ids.extend(doc["_id"] for doc in docs)
    return ids


def probe(url: str, ids: list[str], seconds: float) -> list[float]:
    """One read by `_id` every 20 ms: each read's time, in ms."""
    outbox, rng, took = MongoClient(url).linli[OUTBOX], random.Random(5), []
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        started = time.perf_counter()
        assert outbox.find_one({"_id": rng.choice(ids)}, {"_id": 1}) is not None
        took.append((time.perf_counter() - started) * 1000)
        time.sleep(0.02)
    return took


def row(sweep: float, took: list[float]) -> list:
    p = percentiles(took)
    return [f"every {sweep:,.0f} s", len(took), p["p50"], p["p99"], round(max(took)), sum(t > 1000 for t in took)]


def main(entries: int = 400_000, seconds: float = 130.0) -> None:
    rows = []
    with tempfile.TemporaryDirectory(prefix="linli-ttl-") as tmp:
        started = time.perf_counter()
        store = MongoServer(Path(tmp), ttl_sweep_seconds=SECANTUS_DEFAULT_SWEEP).start(timeout=60)
        try:
            ids = fill(store.url, entries)
            print(f"{entries:,} sent entries written in {time.perf_counter() - started:.0f} s", flush=True)
            rows.append(row(SECANTUS_DEFAULT_SWEEP, probe(store.url, ids, seconds)))
        finally:
            store.stop()
        store = MongoServer(Path(tmp), port=store.port, ttl_sweep_seconds=TTL_SWEEP_SECONDS).start(timeout=60)
        try:
            rows.append(row(TTL_SWEEP_SECONDS, probe(store.url, ids, seconds)))
        finally:
            store.stop()
    print_table(f"One read by _id every 20 ms for {seconds:.0f} s beside an outbox of {entries:,} sent entries "
                "(ms)", ["TTL sweep", "reads", "p50", "p99", "longest", "reads over 1 s"], rows)


if __name__ == "__main__":
    main(*[int(a) for a in sys.argv[1:]])
