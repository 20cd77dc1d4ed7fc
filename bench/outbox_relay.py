"""How fast one service's outbox relay empties a backlog, and where a batch's time goes.

PENDING registry events wait in an outbox that already holds SENT published ones (the retention a
real district keeps: a week of sent entries); the relay publishes them all to JetStream. Each batch
is timed in its steps: reading the next entries, publishing them, marking them sent, and counting
the backlog for the pending gauge (at most every 10 s). The entries' write times are spread at
`written_per_second` (a live ledger import writes about 80 a second; 0 writes them all at once).
Run: .venv/bin/python bench/outbox_relay.py [pending] [sent] [written_per_second]
"""
from __future__ import annotations

import asyncio
import struct
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any, Awaitable, Callable

from bson import ObjectId
from consumer_throughput import resident_event
from pymongo import AsyncMongoClient

from linli_shared.bus import Bus, service_stream
from linli_shared.lease import Lease
from linli_shared.logging import configure_logging
from linli_shared.mongo import ensure_indexes
from linli_shared.outbox import Outbox, OutboxRelay, _entry, outbox_indexes
from linli_shared.settings import ServiceSettings

from common import print_table, servers

SEED_BATCH = 1000


def written_seq(first: datetime, n: int, per_second: int) -> ObjectId:
    """The n-th entry's seq, as if written at `per_second` from `first` (its tail keeps the order)."""
    seconds = int(first.timestamp()) + (n // per_second if per_second else 0)
    return ObjectId(struct.pack(">I", seconds) + n.to_bytes(8, "big"))


async def seed(outbox: Outbox, pending: int, sent: int, per_second: int) -> None:
    now = datetime.now(UTC)
    first = now - timedelta(seconds=(pending + sent) // per_second if per_second else 0)
    for start in range(0, pending + sent, SEED_BATCH):
        docs = [_entry(resident_event(n), now) | {"seq": written_seq(first, n, per_second)}
                for n in range(start, min(start + SEED_BATCH, pending + sent))]
        for doc in docs[: max(0, sent - start)]:
            doc.update(state="sent", sent_at=now)
        await outbox.collection.insert_many(docs)


def timed(spent: dict[str, list[float]], step: str, call: Callable[..., Awaitable[Any]]) -> Callable:
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await call(*args, **kwargs)
        finally:
            spent[step].append(time.perf_counter() - started)
    return wrapper


async def run(nats_url: str, mongo_url: str, pending: int, sent: int, per_second: int) -> list[list]:
    settings = ServiceSettings(service_name="registry", nats_url=nats_url, mongo_url=mongo_url)
    client = AsyncMongoClient(mongo_url, tz_aware=True)
    db = client["relay_bench"]
    await ensure_indexes(db, outbox_indexes(7))
    outbox = Outbox(db)
    seeding = time.perf_counter()
    await seed(outbox, pending, sent, per_second)
    print(f"seeded {pending:,} pending + {sent:,} sent in {time.perf_counter() - seeding:.0f} s", flush=True)
    bus = await Bus.connect(settings)
    await bus.ensure_stream(service_stream("registry"))
    relay = OutboxRelay(outbox, bus, Lease(db, "relay", "bench"), "registry")

    spent: dict[str, list[float]] = defaultdict(list)
    relay._next_batch = timed(spent, "read", relay._next_batch)
    relay._publish = timed(spent, "publish", relay._publish)
    outbox.collection.update_many = timed(spent, "mark sent", outbox.collection.update_many)
    outbox.pending_count = timed(spent, "count backlog (gauge)", outbox.pending_count)
    reads, pending_of = defaultdict(int), outbox.pending

    async def counted(limit: int, written: tuple[datetime, datetime] | None = None) -> list[dict[str, Any]]:
        reads["a window" if written else "everything pending"] += 1
        return await pending_of(limit, written)

    outbox.pending = counted
    started, published = time.perf_counter(), 0
    while batch := await relay.publish_pending():
        published += batch
    elapsed = time.perf_counter() - started
    await bus.close()
    await client.close()

    batches = len(spent["read"])
    rows = [[step, f"{sum(seconds):.1f}", f"{1000 * sum(seconds) / batches:.0f}"]
            for step, seconds in spent.items()]
    rows.append(["all", f"{elapsed:.1f}", f"{1000 * elapsed / batches:.0f}"])
    print(f"\npublished {published:,} in {elapsed:.1f} s: {published / elapsed:.0f} events/s ({batches} batches; "
          f"reads of {', '.join(f'{what}: {n}' for what, n in reads.items())})")
    return rows


def main() -> None:
    pending = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    sent = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    per_second = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    configure_logging("registry", "WARNING")  # measure the relay, not its log lines
    with servers() as (nats, mongo):
        rows = asyncio.run(run(nats.url, mongo.url, pending, sent, per_second))
    written = f"written {per_second}/s" if per_second else "written at once"
    print_table(f"Outbox relay: {pending:,} pending behind {sent:,} sent, {written}",
                ["step", "total s", "ms per batch"], rows)


if __name__ == "__main__":
    main()
