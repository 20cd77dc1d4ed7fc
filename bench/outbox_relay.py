"""How fast one service's outbox relay empties a backlog, and where a batch's time goes.

PENDING registry events wait in an outbox that already holds SENT published ones (the retention a
real district keeps: a week of sent entries); the relay publishes them all to JetStream. Each batch
is timed in its steps: reading the next entries, publishing them, marking them sent, and counting
the backlog for the pending gauge (at most every 10 s). The entries' write times are spread at
`written_per_second` (a live ledger import writes about 80 a second; 0 writes them all at once).
`bundled`: the pending events are written in bundles of 50 (as a ledger import writes them) with one single
entry (a life event a request wrote) after them; prints when that single event was published.
Run: .venv/bin/python bench/outbox_relay.py [pending] [sent] [written_per_second] [bundled]
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
from linli_shared.outbox import BUNDLE_EVENTS, Outbox, OutboxRelay, _bundles, _entry, outbox_indexes
from linli_shared.settings import ServiceSettings

from common import print_table, servers

SEED_BATCH = 1000


def written_seq(first: datetime, n: int, per_second: int) -> ObjectId:
    """The n-th entry's seq, as if written at `per_second` from `first` (its tail keeps the order)."""
    seconds = int(first.timestamp()) + (n // per_second if per_second else 0)
    return ObjectId(struct.pack(">I", seconds) + n.to_bytes(8, "big"))


async def seed(outbox: Outbox, pending: int, sent: int, per_second: int, bundled: bool) -> str | None:
    """The entries; `bundled`: the pending ones in bundles, then one single entry (its event id is returned)."""
    now = datetime.now(UTC)
    first = now - timedelta(seconds=(pending + sent) // per_second if per_second else 0)
    for start in range(0, pending + sent, SEED_BATCH):
        end = min(start + SEED_BATCH, pending + sent)
        docs = [_entry(resident_event(n), now) | {"seq": written_seq(first, n, per_second)}
                for n in range(start, min(end, sent))]
        for doc in docs:
            doc.update(state="sent", sent_at=now)
        if bundled:
            docs += [bundle | {"seq": written_seq(first, n, per_second)} for n, bundle in zip(
                range(max(start, sent), end, BUNDLE_EVENTS),
                _bundles([resident_event(n) for n in range(max(start, sent), end)], now), strict=True)]
        else:
            docs += [_entry(resident_event(n), now) | {"seq": written_seq(first, n, per_second)}
                     for n in range(max(start, sent), end)]
        await outbox.collection.insert_many(docs)
    if not bundled:
        return None
    single = resident_event(pending + sent)
    await outbox.collection.insert_one(_entry(single, now) | {"seq": written_seq(first, pending + sent, per_second)})
    return single.id


def timed(spent: dict[str, list[float]], step: str, call: Callable[..., Awaitable[Any]]) -> Callable:
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await call(*args, **kwargs)
        finally:
            spent[step].append(time.perf_counter() - started)
    return wrapper


async def run(nats_url: str, mongo_url: str, pending: int, sent: int, per_second: int,
              bundled: bool) -> list[list]:
    settings = ServiceSettings(service_name="registry", nats_url=nats_url, mongo_url=mongo_url)
    client = AsyncMongoClient(mongo_url, tz_aware=True)
    db = client["relay_bench"]
    await ensure_indexes(db, outbox_indexes(7))
    outbox = Outbox(db)
    seeding = time.perf_counter()
    single = await seed(outbox, pending, sent, per_second, bundled)
    print(f"seeded {pending:,} pending + {sent:,} sent in {time.perf_counter() - seeding:.0f} s", flush=True)
    bus = await Bus.connect(settings)
    await bus.ensure_stream(service_stream("registry"))
    relay = OutboxRelay(outbox, bus, Lease(db, "relay", "bench"), "registry")

    spent: dict[str, list[float]] = defaultdict(list)
    relay._next_batch = timed(spent, "read", relay._next_batch)
    bus.publish_pipelined = timed(spent, "publish (acks awaited)", bus.publish_pipelined)
    outbox.collection.update_many = timed(spent, "mark sent", outbox.collection.update_many)
    outbox.pending_count = timed(spent, "count backlog (gauge)", outbox.pending_count)
    reads, pending_of = defaultdict(int), outbox.pending

    async def counted(limit: int, written: tuple[datetime, datetime] | None = None) -> list[dict[str, Any]]:
        reads["a window" if written else "everything pending"] += 1
        return await pending_of(limit, written)

    outbox.pending = counted
    started, published, single_out = time.perf_counter(), 0, None
    while batch := await relay.publish_pending():
        published += batch
        if single and single_out is None and (await outbox.collection.find_one({"_id": single}))["state"] == "sent":
            single_out = (time.perf_counter() - started, published)
    elapsed = time.perf_counter() - started
    await bus.close()
    await client.close()

    batches = len(spent["read"])
    rows = [[step, f"{sum(seconds):.1f}", f"{1000 * sum(seconds) / batches:.0f}"]
            for step, seconds in spent.items()]
    rows.append(["all", f"{elapsed:.1f}", f"{1000 * elapsed / batches:.0f}"])
    print(f"\npublished {published:,} in {elapsed:.1f} s: {published / elapsed:.0f} events/s ({batches} batches; "
          f"reads of {', '.join(f'{what}: {n}' for what, n in reads.items())})")
    if single_out:
        print(f"the single entry written after the {pending:,} bundled events: published {1000 * single_out[0]:.0f} ms "
              f"after the relay started, with {single_out[1]:,} events published")
    return rows


def main() -> None:
    pending = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    sent = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    per_second = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    bundled = len(sys.argv) > 4 and sys.argv[4] == "bundled"
    configure_logging("registry", "WARNING")  # measure the relay, not its log lines
    with servers() as (nats, mongo):
        rows = asyncio.run(run(nats.url, mongo.url, pending, sent, per_second, bundled))
    written = (f"written {per_second}/s" if per_second else "written at once") + (", bundled" if bundled else "")
    print_table(f"Outbox relay: {pending:,} pending behind {sent:,} sent, {written}",
                ["step", "total s", "ms per batch"], rows)


if __name__ == "__main__":
    main()
