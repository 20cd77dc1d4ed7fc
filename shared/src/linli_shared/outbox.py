"""Transactional outbox: a state change and its events commit together; a relay publishes them.

A crash between JetStream's ack and marking the entry sent only causes a re-publish, which
JetStream drops by `Nats-Msg-Id` inside the stream's duplicate window.
"""
from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any, Awaitable, Callable, TypeVar

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, AsyncMongoClient, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession

from linli_shared.bus import Bus
from linli_shared.events import CloudEvent, EventData, new_event
from linli_shared.lease import Lease
from linli_shared.logging import get_logger
from linli_shared.metrics import OUTBOX_PENDING, OUTBOX_PUBLISHED
from linli_shared.tracing import trace_id_of
from linli_shared.waiting import Doorbell

log = get_logger()
T = TypeVar("T")
OUTBOX = "outbox"


def outbox_indexes(retention_days: int) -> dict[str, list[IndexModel]]:
    return {OUTBOX: [
        IndexModel([("state", ASCENDING), ("seq", ASCENDING)], name="pending_in_order"),
        IndexModel([("community", ASCENDING), ("seq", DESCENDING)], name="by_community"),
        # Sent entries stay for a while as the durable log ops can re-publish from; then expire.
        IndexModel([("sent_at", ASCENDING)], name="sent_retention", expireAfterSeconds=retention_days * 86400),
    ]}


class Tx:
    """One business transaction: its session, its database, and the events it raises."""

    def __init__(self, session: AsyncClientSession, db: Any, service: str) -> None:
        self.session, self.db, self.service = session, db, service
        self.events: list[CloudEvent] = []

    def emit(self, data: EventData, *, subject: str, community: str, aggregate_version: int) -> CloudEvent:
        event = new_event(data, service=self.service, subject=subject, community=community,
                          aggregate_version=aggregate_version)
        self.events.append(event)
        return event


class Outbox:
    def __init__(self, db: Any) -> None:
        self.collection = db[OUTBOX]
        self.new_entries = Doorbell()  # rung after a commit, so the relay publishes now, not at its next poll

    async def add(self, events: list[CloudEvent], session: AsyncClientSession) -> None:
        if events:
            now = datetime.now(UTC)
            await self.collection.insert_many([_entry(event, now) for event in events], session=session)

    async def pending(self, limit: int, written: tuple[datetime, datetime] | None = None) -> list[dict[str, Any]]:
        """The oldest pending entries, in order; `written` bounds when they were written, to read less."""
        query: dict[str, Any] = {"state": "pending"}
        if written is not None:
            query["seq"] = {"$gte": ObjectId.from_datetime(written[0]), "$lt": ObjectId.from_datetime(written[1])}
        return await self.collection.find(query).sort("seq", ASCENDING).limit(limit).to_list()

    async def pending_count(self) -> int:
        return await self.collection.count_documents({"state": "pending"})


def _entry(event: CloudEvent, now: datetime) -> dict[str, Any]:
    return {"_id": event.id, "seq": ObjectId(), "subject": event.nats_subject, "type": event.type,
            "community": event.community, "aggregate": event.subject, "envelope": event.model_dump_json(),
            "state": "pending", "attempts": 0, "created_at": now}


class UnitOfWork:
    """Runs a piece of work in a Mongo transaction and writes the events it emitted to the outbox."""

    def __init__(self, client: AsyncMongoClient, db: Any, service: str, outbox: Outbox) -> None:
        self.client, self.db, self.service, self.outbox = client, db, service, outbox
        # Service-specific steps that must commit with every write (e.g. the registry's data versions).
        self.before_commit: list[Callable[[Tx], Awaitable[None]]] = []

    async def run(self, work: Callable[[Tx], Awaitable[T]]) -> T:
        async def attempt(session: AsyncClientSession) -> tuple[T, int]:
            tx = Tx(session, self.db, self.service)  # fresh per retry of a transient failure
            result = await work(tx)
            for step in self.before_commit:
                await step(tx)
            await self.outbox.add(tx.events, session)
            return result, len(tx.events)

        async with self.client.start_session() as session:
            result, emitted = await session.with_transaction(attempt)
        if emitted:
            self.outbox.new_entries.ring()
        return result


class OutboxRelay:
    """Publishes pending entries in order, one relay per service at a time (under a lease).

    Through a backlog (a big import) it reads the next batch from a window of write times: from
    longer than a transaction can stay open before the last batch's first entry (so a late commit
    is not passed over) to as far past its last entry as the batch itself spread (at least a
    second). A store that cannot stop at the limit (SecantusDB) then reads a window, not the whole
    backlog, per batch. A window that comes up short (it reaches only about a batch ahead, and writes
    pause) reaches four times as far, and again, until it reaches now; only then does the relay read
    everything pending.
    """

    window_behind = timedelta(seconds=90)  # > MongoDB's transactionLifetimeLimitSeconds (60)

    def __init__(self, outbox: Outbox, bus: Bus, lease: Lease, service: str, poll_seconds: float = 0.5,
                 batch: int = 200, count_every: float = 10.0, count_share: float = 0.05) -> None:
        self.outbox, self.bus, self.lease, self.service = outbox, bus, lease, service
        self.poll_seconds, self.batch = poll_seconds, batch
        # Counting a deep backlog is itself slow (SecantusDB reads every pending entry to count it: seconds
        # at 100,000), so counts are spaced to take at most `count_share` of the time, and never closer
        # than `count_every`.
        self.count_every, self.count_share = count_every, count_share
        self._window: tuple[datetime, datetime] | None = None  # write times of the next batch, in a backlog
        self._next_count = float("-inf")

    async def run(self) -> None:
        while True:
            try:
                published = await self.publish_pending() if await self.lease.acquire() else 0
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the store or bus is down: keep the loop alive, retry next poll
                log.warning("outbox.relay_error", error=str(exc), error_type=type(exc).__name__)
                published = 0
            if published < self.batch:
                await self.outbox.new_entries.wait(self.poll_seconds)

    async def publish_pending(self) -> int:
        entries = await self._next_batch()
        sent: list[str] = []
        try:
            for entry in entries:
                await self._publish(entry)
                sent.append(entry["_id"])
        except Exception as exc:
            # Stop at the first failure so order holds; the entry is tried again next poll.
            failed = entries[len(sent)]
            await self.outbox.collection.update_one(
                {"_id": failed["_id"]}, {"$inc": {"attempts": 1}, "$set": {"last_error": str(exc)[:500]}})
            log.warning("outbox.publish_failed", event_id=failed["_id"], event_type=failed["type"],
                        attempts=failed["attempts"] + 1, error=str(exc) or type(exc).__name__)
        if sent:
            await self.outbox.collection.update_many(
                {"_id": {"$in": sent}}, {"$set": {"state": "sent", "sent_at": datetime.now(UTC)}})
            OUTBOX_PUBLISHED.labels(self.service).inc(len(sent))
        await self._gauge(len(entries), len(sent))
        return len(sent)

    async def _next_batch(self) -> list[dict[str, Any]]:
        window = self._window
        while window is not None:
            entries = await self.outbox.pending(self.batch, window)
            if len(entries) == self.batch:
                self._window = self._window_after(entries)
                return entries
            window = self._widened(window)
        entries = await self.outbox.pending(self.batch)
        self._window = self._window_after(entries) if len(entries) == self.batch else None
        return entries

    def _window_after(self, entries: list[dict[str, Any]]) -> tuple[datetime, datetime]:
        first, last = entries[0]["seq"].generation_time, entries[-1]["seq"].generation_time
        return first - self.window_behind, first + max(2 * (last - first), timedelta(seconds=1))

    def _widened(self, window: tuple[datetime, datetime]) -> tuple[datetime, datetime] | None:
        """The window reaching four times as far ahead; None once it already reaches now.

        A window reaches about one batch ahead at a steady write rate, and writes pause (seq counts
        whole seconds), so windows often come up short in the middle of a backlog. Reading everything
        pending there costs the whole backlog per batch; widening costs a few window reads.
        """
        start, end = window
        if end >= datetime.now(UTC):
            return None
        front = start + self.window_behind
        return start, front + 4 * (end - front)

    async def _gauge(self, read: int, sent: int) -> None:
        """A short batch was the whole backlog; behind a full one, count it (at most every `count_every` s)."""
        if read < self.batch:
            OUTBOX_PENDING.labels(self.service).set(read - sent)
        elif time.monotonic() >= self._next_count:
            started = time.monotonic()
            OUTBOX_PENDING.labels(self.service).set(await self.outbox.pending_count())
            took = time.monotonic() - started
            self._next_count = started + max(self.count_every, took / self.count_share)

    async def _publish(self, entry: dict[str, Any]) -> None:
        event = CloudEvent.model_validate_json(entry["envelope"])
        republished = entry.get("republish")  # past JetStream's de-duplication, on purpose
        fresh = await self.bus.publish(event, msg_id=f"{event.id}:{republished}" if republished else None)
        log.info("outbox.published", event_id=event.id, event_type=event.type, subject=event.subject,
                 community=event.community, trace_id=trace_id_of(event.traceparent), duplicate=not fresh)
