"""`linli-outbox`: look at a service's outbox and re-publish it from a point in time.

JetStream fsyncs on an interval, so a machine crash can lose events it had acknowledged. Every
service keeps its sent events in its outbox for LINLI_OUTBOX_RETENTION_DAYS; re-publishing them is
harmless (JetStream de-duplicates recent ids, consumers' inboxes skip what they handled).

The relay parks an entry it cannot publish (`outbox.parked`), with the later entries of the same
aggregate; `status` lists them, and once the cause is fixed `release` hands them back in order.

    linli-outbox status --service registry
    linli-outbox republish --service registry --since 2026-11-23T08:00:00+08:00
    linli-outbox release --service registry [--aggregate <id>]
"""
from __future__ import annotations

import argparse
import asyncio
import os
from datetime import UTC, datetime
from typing import Any

from pymongo import AsyncMongoClient

from linli_shared.outbox import OUTBOX


async def republish(db: Any, since: datetime) -> int:
    """Hand every entry created since `since` back to the running relay, which publishes them in order.

    They go out under a fresh message id, so JetStream's de-duplication cannot swallow them; consumers
    still know them by the event id inside and skip what they already handled."""
    token = f"republish-{datetime.now(UTC):%Y%m%dT%H%M%S%f}"
    result = await db[OUTBOX].update_many({"created_at": {"$gte": since}, "state": "sent"},
                                          {"$set": {"state": "pending", "republish": token},
                                           "$unset": {"sent_at": ""}})
    return result.modified_count


async def release(db: Any, aggregate: str | None = None) -> int:
    """Hand parked entries (all, or one aggregate's) back to the relay, with fresh attempts.

    They keep their place (`seq`), so the relay publishes them in their original order; one that
    fails again is parked again."""
    query: dict[str, Any] = {"state": "parked"}
    if aggregate is not None:
        query["aggregate"] = aggregate
    result = await db[OUTBOX].update_many(query, {"$set": {"state": "pending", "attempts": 0},
                                                  "$unset": {"parked_at": ""}})
    return result.modified_count


async def status(db: Any) -> dict[str, Any]:
    pending = await db[OUTBOX].find({"state": "pending"}).sort("seq", 1).limit(1).to_list()
    oldest = await db[OUTBOX].find({}).sort("seq", 1).limit(1).to_list()
    parked = await db[OUTBOX].find({"state": "parked"}, {"type": 1, "aggregate": 1, "attempts": 1, "last_error": 1}
                                   ).sort("seq", 1).limit(20).to_list()
    return {"pending": await db[OUTBOX].count_documents({"state": "pending"}),
            "sent": await db[OUTBOX].count_documents({"state": "sent"}),
            "parked": await db[OUTBOX].count_documents({"state": "parked"}),
            "oldest_pending": pending[0]["created_at"].isoformat() if pending else None,
            "kept_since": oldest[0]["created_at"].isoformat() if oldest else None,
            "first_parked": [{"event_id": e["_id"], "event_type": e["type"], "aggregate": e.get("aggregate"),
                              "attempts": e.get("attempts"), "error": e.get("last_error")} for e in parked]}


def _database(service: str) -> tuple[AsyncMongoClient, Any]:
    client = AsyncMongoClient(os.environ.get("LINLI_MONGO_URL", "mongodb://127.0.0.1:27017/?directConnection=true"),
                              tz_aware=True)
    return client, client[os.environ.get(f"LINLI_{service.upper()}_MONGO_DB", f"linli_{service}")]


async def _run(args: argparse.Namespace) -> None:
    client, db = _database(args.service)
    try:
        if args.command == "republish":
            count = await republish(db, datetime.fromisoformat(args.since))
            print(f"{count} events handed back to the {args.service} outbox relay")
        elif args.command == "release":
            count = await release(db, args.aggregate)
            print(f"{count} parked events handed back to the {args.service} outbox relay")
        else:
            print(await status(db))
    finally:
        await client.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog="linli-outbox", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["status", "republish", "release"])
    parser.add_argument("--service", required=True, choices=["registry", "visits", "employment", "notify", "reports"])
    parser.add_argument("--since", help="RFC 3339 time with offset (republish)")
    parser.add_argument("--aggregate", help="release only this aggregate's parked entries (release)")
    args = parser.parse_args()
    if args.command == "republish" and not args.since:
        parser.error("republish needs --since")
    asyncio.run(_run(args))


if __name__ == "__main__":
    main()
