"""Transactional outbox: a state change and its events commit together; a relay publishes them.

A crash between JetStream's ack and marking the entry sent only causes a re-publish, which
JetStream drops by `Nats-Msg-Id` inside the stream's duplicate window. An entry that cannot be
published (too large for the bus, or failing again and again) is parked, with the entries of its
aggregate behind it, so it stops nothing else; ops release parked entries with `linli-outbox`.
Behind a bulk backlog (a ledger import's bundles), the single entries a request wrote (a life event)
go first, unless an older entry of their aggregate is still pending: each aggregate keeps its order.
"""
from __future__ import annotations

import asyncio
import json
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, AsyncIterator, Awaitable, Callable, Iterator, Sequence, TypeVar

from bson import ObjectId
from nats.errors import MaxPayloadError
from nats.js.errors import NoStreamResponseError
from opentelemetry.trace import SpanKind
from pydantic import ValidationError
from pymongo import ASCENDING, DESCENDING, AsyncMongoClient, IndexModel, InsertOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import ClientBulkWriteException

from linli_shared.bus import Bus
from linli_shared.errors import Problem
from linli_shared.events import CloudEvent, EventData, new_event
from linli_shared.lease import Lease
from linli_shared.logging import get_logger
from linli_shared.metrics import OUTBOX_PARKED, OUTBOX_PENDING, OUTBOX_PUBLISHED
from linli_shared.store_shapes import BacklogWindow
from linli_shared.tracing import continued_span, trace_id_of
from linli_shared.waiting import Doorbell

log = get_logger()
T = TypeVar("T")
OUTBOX = "outbox"
# A serialized envelope over this is refused before the transaction commits: well under NATS `max_payload` (1 MB in
# deploy/nats/nats.conf), so no request can write an entry the bus will not carry.
EVENT_BUDGET_BYTES = 256 * 1024
# The entry itself can never be published as it is: park it at once instead of retrying.
PERMANENT_FAILURES = (MaxPayloadError, ValidationError)
BEHIND_A_PARKED_ENTRY = "behind a parked entry of the same aggregate"
# A bulk transaction (a ledger import's batch) writes its events as bundles: one entry, written and marked sent
# once, per this many events (SecantusDB spends about as long on one entry as on a bundle of a hundred).
BUNDLE_EVENTS = 50
BUNDLE = "outbox.bundle"  # the `type` of a bundle entry
SINGLE = "single"  # the `lane` of an entry a request wrote alone (not bundled): it may pass the bundles
DUPLICATE_KEY = 11000


def outbox_indexes(retention_days: int) -> dict[str, list[IndexModel]]:
    return {OUTBOX: [
        IndexModel([("state", ASCENDING), ("seq", ASCENDING)], name="pending_in_order"),
        IndexModel([("state", ASCENDING), ("lane", ASCENDING), ("seq", ASCENDING)], name="pending_by_lane"),
        IndexModel([("community", ASCENDING), ("seq", DESCENDING)], name="by_community"),
        # Sent entries stay for a while as the durable log ops can re-publish from; then expire.
        IndexModel([("sent_at", ASCENDING)], name="sent_retention", expireAfterSeconds=retention_days * 86400),
    ]}


@dataclass(frozen=True)
class CommitInsert:
    """A document the transaction inserts with its outbox entries, in the one command that writes them."""

    collection: str
    document: dict[str, Any]
    on_duplicate: Problem | None = None  # raised when the document's unique key is taken (else the store's error)


class Tx:
    """One business transaction: its session, its database, the events it raises, and the inserts written with them."""

    def __init__(self, session: AsyncClientSession, db: Any, service: str, bulk: bool = False) -> None:
        self.session, self.db, self.service = session, db, service
        self.bulk = bulk  # its events go to the outbox in bundles
        self.events: list[CloudEvent] = []
        self.at_commit: list[CommitInsert] = []

    def insert_at_commit(self, collection: str, document: dict[str, Any], on_duplicate: Problem | None = None) -> None:
        """Insert `document` with the outbox entries, in one command for all: for a document nothing in this
        transaction reads back (a trail entry, a change-log entry, a new record whose fields the caller holds)."""
        self.at_commit.append(CommitInsert(collection, document, on_duplicate))

    def emit(self, data: EventData, *, subject: str, community: str, aggregate_version: int) -> CloudEvent:
        event = new_event(data, service=self.service, subject=subject, community=community,
                          aggregate_version=aggregate_version)
        self.events.append(event)
        return event


class Lanes:
    """Urgent transactions before bulk ones, in one service: a bulk transaction does not start while an urgent one
    waits or runs, and an urgent one waits only for the bulk ones already running.

    Two transactions that write one document (a community's statistics version, which every commit bumps) cannot
    both commit: MongoDB aborts the later writer with a WriteConflict and `with_transaction` runs it again from the
    start. Behind a bulk lane committing a group every few hundred milliseconds, an urgent transaction lost that race
    again and again, for seconds, until the backlog was done. Here it waits for the running bulk group to commit,
    then runs alone.
    """

    def __init__(self) -> None:
        self._urgent = self._bulk = 0
        self._changed = asyncio.Condition()

    @asynccontextmanager
    async def urgent(self) -> AsyncIterator[None]:
        async with self._changed:
            self._urgent += 1
        try:
            async with self._changed:
                await self._changed.wait_for(lambda: self._bulk == 0)
            yield
        finally:
            async with self._changed:
                self._urgent -= 1
                self._changed.notify_all()

    async def clear_of_urgent(self) -> None:
        """Return once no urgent transaction waits or runs: the relay starts no batch meanwhile, so the store serves
        the urgent transaction alone (a bulk commit wakes both at once), and publishes its entries right after."""
        async with self._changed:
            await self._changed.wait_for(lambda: self._urgent == 0)

    @asynccontextmanager
    async def bulk(self) -> AsyncIterator[None]:
        async with self._changed:
            await self._changed.wait_for(lambda: self._urgent == 0)
            self._bulk += 1
        try:
            yield
        finally:
            async with self._changed:
                self._bulk -= 1
                self._changed.notify_all()


class Outbox:
    def __init__(self, db: Any) -> None:
        self.collection = db[OUTBOX]
        self.new_entries = Doorbell()  # rung after a commit, so the relay publishes now, not at its next poll
        self.lanes = Lanes()  # the service's consumers take turns through it (`Subscription.urgent`)

    async def add(self, events: list[CloudEvent], session: AsyncClientSession,
                  inserts: Sequence[CommitInsert] = (), bulk: bool = False) -> None:
        """The events' entries (bundles of them if `bulk`), and `inserts` before them, in one command (`bulkWrite`
        across collections when there are inserts: MongoDB 8.0's client bulk write, allowed in a transaction)."""
        now = datetime.now(UTC)
        entries = _bundles(events, now) if bulk else [_entry(event, now) for event in events]
        if not inserts:
            if entries:
                await self.collection.insert_many(entries, session=session)
            return
        db = self.collection.database
        writes = [*inserts, *(CommitInsert(OUTBOX, entry) for entry in entries)]
        try:
            await db.client.bulk_write([InsertOne(document=w.document, namespace=f"{db.name}.{w.collection}")
                                        for w in writes], session=session, ordered=True)
        except ClientBulkWriteException as exc:
            failed = writes[exc.write_errors[0]["idx"]] if exc.write_errors else None
            if failed is not None and failed.on_duplicate and exc.write_errors[0].get("code") == DUPLICATE_KEY:
                raise failed.on_duplicate from exc
            raise

    async def pending(self, limit: int, written: tuple[datetime, datetime] | None = None) -> list[dict[str, Any]]:
        """The oldest pending entries, in order; `written` bounds when they were written, to read less."""
        query: dict[str, Any] = {"state": "pending"}
        if written is not None:
            query["seq"] = {"$gte": ObjectId.from_datetime(written[0]), "$lt": ObjectId.from_datetime(written[1])}
        return await self.collection.find(query).sort("seq", ASCENDING).limit(limit).to_list()

    async def pending_singles(self, limit: int) -> list[dict[str, Any]]:
        """The oldest pending entries that are not bundles, in order."""
        return await self.collection.find({"state": "pending", "lane": SINGLE}).sort("seq", ASCENDING).limit(
            limit).to_list()

    async def pending_before(self, aggregates: set[str], seq: ObjectId) -> list[dict[str, Any]]:
        """The pending entries of `aggregates` written before `seq` (their aggregates and seq only)."""
        return await self.collection.find(
            {"state": "pending", "aggregate": {"$in": sorted(aggregates)}, "seq": {"$lt": seq}},
            {"aggregate": 1, "seq": 1}).to_list()

    async def pending_count(self) -> int:
        return await self.collection.count_documents({"state": "pending"})

    async def parked_aggregates(self, aggregates: set[str]) -> set[str]:
        """Those of `aggregates` that have a parked entry: their later entries may not go ahead of it."""
        if not aggregates:
            return set()
        parked = await self.collection.find({"state": "parked", "aggregate": {"$in": sorted(aggregates)}},
                                            {"aggregate": 1}).to_list()
        return set().union(*(aggregates_of(entry) for entry in parked)) & aggregates

    async def park(self, entry: dict[str, Any], reason: str, attempts: int) -> None:
        await self.collection.update_one({"_id": entry["_id"], "state": "pending"}, {"$set": {
            "state": "parked", "parked_at": datetime.now(UTC), "attempts": attempts, "last_error": reason[:500]}})


def _entry(event: CloudEvent, now: datetime) -> dict[str, Any]:
    return {"_id": event.id, "seq": ObjectId(), "subject": event.nats_subject, "type": event.type,
            "community": event.community, "aggregate": event.subject, "envelope": _envelope(event),
            "lane": SINGLE, "state": "pending", "attempts": 0, "created_at": now}


def _envelope(event: CloudEvent) -> str:
    envelope = event.model_dump_json()  # serialized once: measured here, stored as it is
    size = len(envelope.encode())
    if size > EVENT_BUDGET_BYTES:
        # Raised inside the transaction, so the change that caused the event is not written either.
        raise Problem(413, "event.too_large", f"the change would make a {event.type} event of {size} bytes, "
                      f"over the {EVENT_BUDGET_BYTES} bytes an event may take; nothing was changed")
    return envelope


def _bundles(events: list[CloudEvent], now: datetime) -> list[dict[str, Any]]:
    """One entry per `BUNDLE_EVENTS` events, published in order; `aggregate` lists every event's subject, so a
    parked bundle holds back the later entries of each (and `release --aggregate` finds it)."""
    bundles = []
    for start in range(0, len(events), BUNDLE_EVENTS):
        part = events[start:start + BUNDLE_EVENTS]
        bundles.append({"_id": part[0].id, "seq": ObjectId(), "type": BUNDLE, "community": part[0].community,
                        "aggregate": list(dict.fromkeys(event.subject for event in part)),
                        "envelopes": [_envelope(event) for event in part], "events": len(part),
                        "state": "pending", "attempts": 0, "created_at": now})
    return bundles


def envelopes_of(entry: dict[str, Any]) -> list[str]:
    return entry.get("envelopes") or [entry["envelope"]]


def aggregates_of(entry: dict[str, Any]) -> set[str]:
    aggregate = entry.get("aggregate")
    return set(aggregate) if isinstance(aggregate, list) else set() if aggregate is None else {aggregate}


class UnitOfWork:
    """Runs a piece of work in a Mongo transaction and writes the events it emitted to the outbox."""

    def __init__(self, client: AsyncMongoClient, db: Any, service: str, outbox: Outbox) -> None:
        self.client, self.db, self.service, self.outbox = client, db, service, outbox
        # Service-specific steps that must commit with every write (e.g. the registry's data versions).
        self.before_commit: list[Callable[[Tx], Awaitable[None]]] = []

    async def run(self, work: Callable[[Tx], Awaitable[T]], bulk: bool = False) -> T:
        """`bulk`: a transaction of many events (a ledger import's batch), written to the outbox in bundles."""
        async def attempt(session: AsyncClientSession) -> tuple[T, int]:
            tx = Tx(session, self.db, self.service, bulk)  # fresh per retry of a transient failure
            result = await work(tx)
            for step in self.before_commit:
                await step(tx)
            await self.outbox.add(tx.events, session, tx.at_commit, tx.bulk)
            return result, len(tx.events)

        async with self.client.start_session() as session:
            result, emitted = await session.with_transaction(attempt)
        if emitted:
            self.outbox.new_entries.ring()
        return result


class OutboxRelay:
    """Publishes pending entries in order, one relay per service at a time (under a lease).

    Through a backlog (a big import) it reads the next batch from a window of write times
    (`store_shapes.BacklogWindow`, a workaround for a store that cannot stop at the limit), widening
    a window that comes up short until it reaches now; only then does it read everything pending.
    """

    def __init__(self, outbox: Outbox, bus: Bus, lease: Lease, service: str, poll_seconds: float = 0.5,
                 batch: int = 200, count_every: float = 10.0, count_share: float = 0.05,
                 max_attempts: int = 5) -> None:
        self.outbox, self.bus, self.lease, self.service = outbox, bus, lease, service
        self.poll_seconds, self.batch = poll_seconds, batch
        self.max_attempts = max_attempts  # failed publishes (with the bus connected) before an entry is parked
        # Counting a deep backlog is itself slow (SecantusDB reads every pending entry to count it: seconds
        # at 100,000), so counts are spaced to take at most `count_share` of the time, and never closer
        # than `count_every`.
        self.count_every, self.count_share = count_every, count_share
        self._windows = BacklogWindow()
        self._window: tuple[datetime, datetime] | None = None  # write times of the next batch, in a backlog
        self._next_count = float("-inf")
        self._behind_bundles = False  # the last batch was full and held bundles: singles may go first

    async def run(self) -> None:
        while True:
            await self.outbox.lanes.clear_of_urgent()
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
        """Publish the next batch in order (behind bundles, the single entries that may go first before it);
        the number of events moved on (published or parked)."""
        moved = await self._publish_singles_first() if self._behind_bundles else 0
        entries = await self._next_batch()
        events, reached = await self._move(entries)
        self._behind_bundles = events >= self.batch and any(entry["type"] == BUNDLE for entry in entries)
        await self._gauge(len(entries), reached)
        return moved + events

    async def _publish_singles_first(self) -> int:
        """The pending single entries (a life event a request wrote) with nothing older of their aggregate
        pending: published now, not after the bundles written before them."""
        singles = await self.outbox.pending_singles(self.batch)
        if not singles:
            return 0
        older = await self.outbox.pending_before(set().union(*map(aggregates_of, singles)), singles[-1]["seq"])
        events, _ = await self._move(free_to_go_first(singles, older))
        return events

    async def _move(self, entries: list[dict[str, Any]]) -> tuple[int, int]:
        """Publish `entries` in order, up to about `batch` events; park those that cannot be published and
        those behind a parked entry. (Events moved on, entries moved on.) A publish failing for a while stops
        the batch so order holds: the entries after it are tried again next poll."""
        blocked = await self.outbox.parked_aggregates(set().union(*(aggregates_of(e) for e in entries)))
        queue, events, reached = _about(entries, self.batch), 0, 0
        while queue:
            ready: list[tuple[dict[str, Any], list[CloudEvent]]] = []
            for entry in queue:
                if aggregates_of(entry) & blocked:
                    await self._park(entry, BEHIND_A_PARKED_ENTRY, entry["attempts"])
                elif (readable := await self._readable(entry)) is not None:
                    ready.append((entry, readable))
                    continue
                blocked |= aggregates_of(entry)
                events, reached = events + entry.get("events", 1), reached + 1
            sent, failure = await self._publish(ready)
            events, reached = events + sum(len(published) for _, published in ready[:sent]), reached + sent
            if failure is None:
                break
            entry = ready[sent][0]
            if not await self._failed(entry, failure):
                break
            blocked |= aggregates_of(entry)
            events, reached = events + entry.get("events", 1), reached + 1
            queue = [later for later, _ in ready[sent + 1:]]  # published again: JetStream drops the repeats
        return events, reached

    async def _readable(self, entry: dict[str, Any]) -> list[CloudEvent] | None:
        """The entry's events; None when it cannot be read as events (it is parked)."""
        try:
            return [CloudEvent.model_validate_json(envelope) for envelope in envelopes_of(entry)]
        except ValidationError as exc:
            await self._failed(entry, exc)
            return None

    async def _publish(self, ready: list[tuple[dict[str, Any], list[CloudEvent]]]) -> tuple[int, Exception | None]:
        """Every event of `ready` in order, each run of events of distinct aggregates sent without waiting for
        each ack; the entries sent (a prefix, marked sent) and the failure that stopped the next one.

        Within a run, a failed publish cannot put a later event of its aggregate on the bus ahead of it; a
        bundle failing midway is published again from its first event (JetStream drops the repeats)."""
        events = [(index, event) for index, (_, published) in enumerate(ready) for event in published]
        failure: tuple[int, Exception] | None = None
        for run in _distinct_runs(events):
            outcomes = await self.bus.publish_pipelined([(event, _msg_id(event, ready[i][0])) for i, event in run])
            for (index, event), outcome in zip(run, outcomes, strict=True):
                if isinstance(outcome, Exception):
                    failure = (index, outcome)
                    break
                _published(event, outcome)
            if failure:
                break
        sent = failure[0] if failure else len(ready)
        if sent:
            await self.outbox.collection.update_many({"_id": {"$in": [entry["_id"] for entry, _ in ready[:sent]]}},
                                                     {"$set": {"state": "sent", "sent_at": datetime.now(UTC)}})
            OUTBOX_PUBLISHED.labels(self.service).inc(sum(len(published) for _, published in ready[:sent]))
        return sent, failure[1] if failure else None

    async def _failed(self, entry: dict[str, Any], exc: Exception) -> bool:
        """Count a failed publish; True if the entry was parked (a permanent failure, or too many)."""
        # A failure while the bus is away says nothing about the entry: an outage does not park anything.
        attempts = entry["attempts"] + (1 if self.bus.connected and not self._own_stream_down(entry, exc) else 0)
        error = _reason(exc)
        if isinstance(exc, PERMANENT_FAILURES) or attempts >= self.max_attempts:
            await self._park(entry, error, attempts)
            return True
        await self.outbox.collection.update_one(
            {"_id": entry["_id"]}, {"$set": {"attempts": attempts, "last_error": error[:500]}})
        log.warning("outbox.publish_failed", event_id=entry["_id"], event_type=entry["type"], attempts=attempts,
                    error=error)
        return False

    def _own_stream_down(self, entry: dict[str, Any], exc: Exception) -> bool:
        """JetStream's 503 for one of our own events: our stream has no leader (a NATS cluster elects one for
        seconds after losing a node) or is missing. The stream is down, not the entry: an outage."""
        if not isinstance(exc, NoStreamResponseError):
            return False
        return str(json.loads(envelopes_of(entry)[0]).get("type", "")).startswith(f"linli.{self.service}.")

    async def _park(self, entry: dict[str, Any], reason: str, attempts: int) -> None:
        await self.outbox.park(entry, reason, attempts)
        OUTBOX_PARKED.labels(self.service).inc()
        log.error("outbox.parked", event_id=entry["_id"], event_type=entry["type"], aggregate=entry.get("aggregate"),
                  community=entry.get("community"), attempts=attempts, reason=reason)

    async def _next_batch(self) -> list[dict[str, Any]]:
        window = self._window
        while window is not None:
            entries = await self.outbox.pending(self.batch, window)
            if len(entries) == self.batch:
                self._window = self._windows.after(entries)
                return entries
            window = self._windows.widened(window, datetime.now(UTC))
        entries = await self.outbox.pending(self.batch)
        self._window = self._windows.after(entries) if len(entries) == self.batch else None
        return entries

    async def _gauge(self, read: int, moved: int) -> None:
        """A short batch was the whole backlog; behind a full one, count it (at most every `count_every` s)."""
        if read < self.batch:
            OUTBOX_PENDING.labels(self.service).set(read - moved)
        elif time.monotonic() >= self._next_count:
            started = time.monotonic()
            OUTBOX_PENDING.labels(self.service).set(await self.outbox.pending_count())
            took = time.monotonic() - started
            self._next_count = started + max(self.count_every, took / self.count_share)


def free_to_go_first(singles: list[dict[str, Any]], older: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Those of `singles` (pending, in order) that no pending entry of their aggregate precedes: `older` are
    the pending entries of their aggregates written before the last of them (singles among them)."""
    single_ids = {entry["_id"] for entry in singles}
    waiting: dict[str, ObjectId] = {}  # an aggregate's oldest entry that stays pending
    for entry in older:
        if entry["_id"] not in single_ids:
            for aggregate in aggregates_of(entry):
                waiting[aggregate] = min(waiting.get(aggregate, entry["seq"]), entry["seq"])
    free = []
    for entry in singles:
        if any(waiting.get(aggregate, entry["seq"]) < entry["seq"] for aggregate in aggregates_of(entry)):
            for aggregate in aggregates_of(entry):
                waiting.setdefault(aggregate, entry["seq"])
        else:
            free.append(entry)
    return free


def _about(entries: list[dict[str, Any]], batch: int) -> list[dict[str, Any]]:
    """The first entries, up to the one that makes `batch` events (bundles: about `batch` events a batch)."""
    events = 0
    for taken, entry in enumerate(entries):
        if events >= batch:
            return entries[:taken]
        events += entry.get("events", 1)
    return entries


def _distinct_runs(events: list[tuple[int, CloudEvent]]) -> Iterator[list[tuple[int, CloudEvent]]]:
    """`events` cut in runs, in order, where no aggregate has two events."""
    run: list[tuple[int, CloudEvent]] = []
    aggregates: set[str] = set()
    for item in events:
        if item[1].subject in aggregates:
            yield run
            run, aggregates = [], set()
        run.append(item)
        aggregates.add(item[1].subject)
    if run:
        yield run


def _msg_id(event: CloudEvent, entry: dict[str, Any]) -> str | None:
    """Ops' `republish` token takes the event past JetStream's de-duplication, on purpose."""
    return f"{event.id}:{entry['republish']}" if entry.get("republish") else None


def _published(event: CloudEvent, fresh: bool) -> None:
    # A child of the span that raised the event (its traceparent), as the consumers' spans are.
    with continued_span(f"publish {event.type}", SpanKind.PRODUCER, event.traceparent,
                        **{"messaging.system": "nats", "messaging.operation.type": "send",
                           "messaging.destination.name": event.nats_subject, "messaging.message.id": event.id}):
        log.info("outbox.published", event_id=event.id, event_type=event.type, subject=event.subject,
                 community=event.community, trace_id=trace_id_of(event.traceparent), duplicate=not fresh)


def _reason(exc: Exception) -> str:
    """Why a publish failed, for the entry and the log: never the payload (a validation error quotes it)."""
    if isinstance(exc, ValidationError):
        return "the stored envelope is not a valid event"
    if isinstance(exc, MaxPayloadError):
        return "the event is larger than the bus's max_payload"
    return str(exc)[:500] or type(exc).__name__
