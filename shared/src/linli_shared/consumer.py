"""Durable pull consumers: explicit ack, an inbox for idempotency, bounded retries, then a dead-letter stream.

One processing path: a group of messages runs in one Mongo transaction that records each
`<durable>:<event id>` in `inbox` and applies the handlers' effects (and their emitted events, via the
outbox); the messages are acked only after it commits, so a redelivery is acked and skipped. Consecutive
first deliveries form a group (`Subscription.first_deliveries_per_transaction`); a message alone (a retry,
or after a split) is a group of one. If a group of several fails, the transaction leaves no trace and
each message runs again as a group of one, with the retries (back-off until `max_deliver`) and dead
letters; nothing is dropped silently. A handler marked `InRuns` gets each run of consecutive events it
handles in one call, so a projection reads and writes once for the run rather than once per event.

The declarations a service writes (`Subscription`, `InRuns`, `PermanentError`) live in `subscriptions.py`.
"""
from __future__ import annotations

import asyncio
import string
import time
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from typing import Any, Awaitable, Callable, Iterator
from urllib.parse import quote

import structlog
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import APIError, NotFoundError, ServiceUnavailableError
from opentelemetry.trace import SpanKind
from pydantic import ValidationError
from pymongo import ASCENDING, IndexModel
from pymongo.errors import BulkWriteError, ConnectionFailure, DuplicateKeyError

from linli_shared.bus import Bus
from linli_shared.events import CloudEvent
from linli_shared.logging import get_logger
from linli_shared.metrics import DEAD_LETTERS, EVENTS_HANDLED
from linli_shared.outbox import Tx, UnitOfWork
from linli_shared.subscriptions import PermanentError, Subscription
from linli_shared.tracing import bind_trace, continued_span, mark_failed, trace_id_of
from linli_shared.waiting import set_within

log = get_logger()
INBOX = "inbox"
_STREAM_NOT_FOUND = 10059  # JetStream's error code for a stream that does not exist (yet)
_DUPLICATE_KEY = 11000
DEAD_LETTER_PREFIX = "linli.deadletter"
_HEADER_SAFE = "".join(c for c in string.printable if c not in "%\r\n\t\x0b\x0c")


class _AlreadyHandled(Exception):
    pass


def inbox_indexes(retention_days: int) -> dict[str, list[IndexModel]]:
    """Handled event ids expire: the inbox only has to outlast the windows an event can come back in.

    JetStream redelivers only messages not yet acked (a crash between commit and ack: within ack_wait,
    or a store outage: until it ends), and `linli-outbox republish` re-sends at most
    LINLI_OUTBOX_RETENTION_DAYS back (settings refuse an inbox retention not longer than that). Past the
    TTL, only deleting a durable to rebuild from the stream's start re-applies an event, and that is
    harmless: every handler's effect is keyed, so re-applying changes nothing. Projections take a state
    only if newer (`upsert_if_newer` by aggregate version); records are keyed by their own id (reports'
    visits, visits' life events and tasks by key, never re-created); notify stores one notification per
    event, recipient and channel (a unique index). A replayed dead letter was never handled, so it has
    no inbox entry to lose.
    """
    return {INBOX: [IndexModel([("handled_at", ASCENDING)], name="handled_retention",
                               expireAfterSeconds=retention_days * 86400)]}


def dead_letter_subject(service: str, durable: str) -> str:
    return f"{DEAD_LETTER_PREFIX}.{service}.{durable}"


def encode_header(text: str) -> str:
    """NATS headers carry ASCII only: percent-encode the rest (read back with urllib.parse.unquote)."""
    return quote(text, safe=_HEADER_SAFE)


class ConsumerRunner:
    fetch_timeout = 1.0  # a long poll; also bounds how long stop() waits for an idle fetch
    watch_every = 10.0  # seconds of empty fetches before checking the subscription is alive
    missing_stream_retry = 10.0  # seconds between binds once a missing stream has been warned about

    def __init__(self, bus: Bus, uow: UnitOfWork, subscription: Subscription, service: str,
                 stream_wait: float = 60.0) -> None:
        if subscription.owner != service:
            raise ValueError(f"{service} cannot run {subscription.durable}: its consumers are named {service}-…")
        self.bus, self.uow, self.subscription, self.service = bus, uow, subscription, service
        # Another service's stream appears when its producer first starts: wait this long quietly.
        self._missing = _MissingStream(stream_wait)
        self._sub: JetStreamContext.PullSubscription | None = None
        self._task: asyncio.Task | None = None
        self._stopping = asyncio.Event()

    @property
    def durable(self) -> str:
        return self.subscription.durable

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        if self.running:
            return
        self._stopping.clear()
        try:
            await self._bind()
        except Exception as exc:
            if isinstance(exc, APIError) and not isinstance(exc, (NotFoundError, ServiceUnavailableError)):
                raise  # a config the server refuses will not fix itself
            # The stream's producer may create it later, or JetStream is not ready yet: the loop retries.
            self._bind_failed(exc, "start")
        self._task = asyncio.create_task(self._loop(), name=f"consumer-{self.durable}")
        log.info("consumer.started", consumer=self.durable, stream=self.subscription.stream,
                 subjects=self.subscription.filter_subjects)

    async def stop(self) -> None:
        """Stop fetching, let the in-flight message finish (ack) or release it (nak), then return."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping.set()
        _, pending = await asyncio.wait({task}, timeout=self.subscription.ack_wait)
        if pending:  # a handler outlived the grace period: cancelling aborts its transaction and naks
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            log.warning("consumer.stop_forced", consumer=self.durable)
        await self._drop_subscription()
        try:
            await self.bus.nc.flush(timeout=2)  # the last ack leaves before the connection drains
        except Exception:
            pass
        log.info("consumer.stopped", consumer=self.durable)

    async def handle(self, event: CloudEvent) -> bool:
        """Apply one event in one transaction with its inbox entry; False if it was handled before."""
        if not self.subscription.handles(event.type):
            raise LookupError(f"{self.durable} has no handler for {event.type}")
        with _handling(event, self.durable):
            try:
                await self.uow.run(self._work([event]))
            except _AlreadyHandled:
                return False
        return True

    def _work(self, events: list[CloudEvent]) -> Callable[[Tx], Awaitable[None]]:
        """The group's transaction: its inbox entries in one write, then each run to its handler in order."""
        async def work(tx: Tx) -> None:
            try:
                await tx.db[INBOX].insert_many([self._inbox_entry(event) for event in events], session=tx.session)
            except (DuplicateKeyError, BulkWriteError) as exc:  # only the inbox's own key means "handled before"
                if not _duplicate_key(exc):
                    raise
                raise _AlreadyHandled from exc
            for handle, run in self.subscription.runs(events):
                # A group of one runs inside its event's span already; in a group, each event alone gets its own.
                with _handling(run[0], self.durable) if len(run) == 1 < len(events) else nullcontext():
                    await handle(run, tx)

        return work

    async def _in_lane(self, events: list[CloudEvent]) -> None:
        """The group's transaction, in its turn: an urgent lane's first, a bulk lane's after (outbox.Lanes)."""
        async with self.uow.outbox.lanes.urgent() if self.subscription.urgent else self.uow.outbox.lanes.bulk():
            await self.uow.run(self._work(events))

    def _inbox_entry(self, event: CloudEvent) -> dict[str, Any]:
        return {"_id": f"{self.durable}:{event.id}", "type": event.type, "handled_at": datetime.now(UTC)}

    # The loop: fetch, process in stream order, watch the subscription, never die before stop().

    async def _loop(self) -> None:
        failures = 0
        quiet_since = time.monotonic()
        while not self._stopping.is_set():
            if self._sub is None and not await self._rebind("unbound"):
                failures += 1
                await self._pause(self._missing.retry_after(_backoff(failures), self.missing_stream_retry))
                continue
            assert self._sub is not None
            try:
                msgs = await self._sub.fetch(self.subscription.messages_per_fetch, timeout=self.fetch_timeout)
            except asyncio.TimeoutError:  # an empty stream: normal
                if time.monotonic() - quiet_since >= self.watch_every:
                    quiet_since = time.monotonic()
                    await self._watch()
                continue
            except Exception as exc:
                failures += 1
                log.warning("consumer.fetch_failed", consumer=self.durable, error=_describe(exc))
                await self._watch()
                await self._pause(_backoff(failures))
                continue
            failures, quiet_since = 0, time.monotonic()
            try:
                await self._keeping_alive(msgs, self._run_batch(msgs))
            except Exception as exc:  # the bus failed outside a handler; unsettled messages come back
                failures += 1
                log.error("consumer.batch_failed", consumer=self.durable, error=_describe(exc))
                await self._pause(_backoff(failures))

    async def _run_batch(self, msgs: list[Msg]) -> None:
        start, size = 0, self.subscription.first_deliveries_per_transaction
        while start < len(msgs):
            if self._stopping.is_set():
                await _release(msgs[start:])
                return
            group = msgs[start:start + size]
            try:
                if not await self._process(group):
                    await self._one_by_one(group)
            except BaseException:
                await _release(msgs[start:])
                raise
            start += len(group)

    async def _one_by_one(self, msgs: list[Msg]) -> None:
        for index, msg in enumerate(msgs):
            if self._stopping.is_set():
                await _release(msgs[index:])
                return
            await self._process([msg])

    async def _process(self, msgs: list[Msg]) -> bool:
        """Handle a group in one transaction and ack it after the commit; a message alone is a group of one.

        False (nothing done) when a group of several must run one message at a time instead: one of them is
        a retry, malformed or of a type we do not handle, or the group's transaction failed. A group of one
        settles its message whatever happens: acked, retried later, or dead-lettered.
        """
        events = await self._screen(msgs)
        if events is None:
            return False
        if not events:
            return True
        alone = len(msgs) == 1
        with _handling(events[0], self.durable) if alone else nullcontext():
            started = time.perf_counter()
            try:
                await self._in_lane(events)
            except Exception as exc:
                if not alone:  # rolled back: each message gets its own transaction, retries, dead letters
                    log.info("consumer.group_split", consumer=self.durable, size=len(msgs), error=_describe(exc))
                    return False
                if isinstance(exc, _AlreadyHandled):
                    await self._skip_duplicate(msgs[0], events[0])
                    return True
                mark_failed(exc)
                await self._failed(msgs[0], events[0], exc, msgs[0].metadata.num_delivered)
                return True
            duration_ms = round((time.perf_counter() - started) * 1000 / len(events), 2)
            for msg, event in zip(msgs, events, strict=True):
                await msg.ack()
                self._count("handled")
                with _event_context(event, self.durable):
                    log.info("consumer.handled", event_id=event.id, event_type=event.type, consumer=self.durable,
                             community=event.community, trace_id=trace_id_of(event.traceparent),
                             duration_ms=duration_ms, group=len(events))
        return True

    async def _screen(self, msgs: list[Msg]) -> list[CloudEvent] | None:
        """The events to handle: all of the group's when each is a first delivery of a valid event we handle.

        In a group of several, anything else sends the group one by one (None); a message alone that is
        malformed is dead-lettered, one of a type we do not handle is acked and skipped (an empty list).
        """
        events = []
        for msg in msgs:
            deliveries = msg.metadata.num_delivered
            if len(msgs) > 1 and deliveries > 1:
                return None  # a retry: it gets its own transaction and the retry bookkeeping
            try:
                event = CloudEvent.model_validate_json(msg.data)
            except ValidationError as exc:
                if len(msgs) > 1:
                    return None
                await self._dead_letter(msg, None, exc, deliveries)
                return []
            if not self.subscription.handles(event.type):
                if len(msgs) > 1:
                    return None
                await msg.ack()
                log.warning("consumer.unknown_type", consumer=self.durable, event_id=event.id, event_type=event.type)
                return []
            events.append(event)
        return events

    async def _skip_duplicate(self, msg: Msg, event: CloudEvent) -> None:
        await msg.ack()
        self._count("duplicate")
        log.info("consumer.duplicate_skipped", event_id=event.id, event_type=event.type, consumer=self.durable,
                 community=event.community)

    async def _keeping_alive(self, msgs: list[Msg], work: Awaitable[Any]) -> Any:
        """Tell the server every ack_wait/3 that the fetch is still being worked on, so it is not redelivered.

        Every message of the fetch not yet settled, not only the group in its transaction: those waiting their
        turn (a group split one by one, a bulk lane behind an urgent one) would otherwise come back to another
        replica while this one is still going to handle them.
        """
        async def beat() -> None:
            while True:
                await asyncio.sleep(self.subscription.ack_wait / 3)
                for msg in msgs:
                    if msg.is_acked:  # acked, nak'd or dead-lettered: settled
                        continue
                    try:
                        await msg.in_progress()
                    except Exception as exc:
                        log.warning("consumer.in_progress_failed", consumer=self.durable, error=_describe(exc))

        beating = asyncio.create_task(beat())
        try:
            return await work
        finally:
            beating.cancel()
            await asyncio.gather(beating, return_exceptions=True)

    async def _failed(self, msg: Msg, event: CloudEvent, exc: Exception, deliveries: int) -> None:
        # An unreachable store is not the event's fault: retry it however long that takes.
        transient = isinstance(exc, ConnectionFailure)
        if not transient and (isinstance(exc, PermanentError) or deliveries >= self.subscription.max_deliver):
            await self._dead_letter(msg, event, exc, deliveries)
            return
        delay = self.subscription.delay_after(deliveries)
        await msg.nak(delay=delay)
        self._count("retry")
        log.warning("consumer.retry_scheduled", event_id=event.id, event_type=event.type, consumer=self.durable,
                    community=event.community, attempt=deliveries, delay_s=delay, transient=transient,
                    error=_describe(exc))

    async def _dead_letter(self, msg: Msg, event: CloudEvent | None, exc: Exception, deliveries: int) -> None:
        """Publish the original bytes with the reason to the DEADLETTER stream, then stop redelivery."""
        fallback_id = (msg.headers or {}).get("Nats-Msg-Id") or f"seq-{msg.metadata.sequence.stream}"
        event_id = event.id if event else fallback_id
        event_type = event.type if event else "malformed"
        error = _describe(exc)[:1000]
        headers = {
            "Linli-Original-Subject": msg.subject,
            "Linli-Consumer": self.durable,
            "Linli-Error": encode_header(error),
            "Linli-Deliveries": str(deliveries),
            "Linli-Event-Id": event_id,
            "Linli-Event-Type": event_type,
            "Nats-Msg-Id": f"dlq:{self.durable}:{event_id}:{deliveries}",
        }
        await self.bus.js.publish(self._dead_letter_subject, msg.data,
                                  headers=headers, timeout=5)
        await msg.term()
        self._count("dead_lettered")
        DEAD_LETTERS.labels(self.service, self.durable).inc()
        log.error("consumer.dead_lettered", event_id=event_id, event_type=event_type, consumer=self.durable,
                  community=event.community if event else None, deliveries=deliveries, error=error, exc_info=exc)

    @property
    def _dead_letter_subject(self) -> str:
        return dead_letter_subject(self.service, self.durable)

    def _count(self, outcome: str) -> None:
        EVENTS_HANDLED.labels(self.service, self.durable, outcome).inc()

    # Binding and self-watch (nats.py #504: a pull subscription can go silent after a server restart).

    def _config(self) -> ConsumerConfig:
        # max_deliver stays unlimited on the server: the runner counts deliveries and dead-letters at
        # `subscription.max_deliver`; a server-side limit would drop a message without a trace when its
        # last delivery is never settled (a crash, a failed dead-letter publish, a store outage).
        return ConsumerConfig(name=self.durable, durable_name=self.durable, ack_policy=AckPolicy.EXPLICIT,
                              deliver_policy=DeliverPolicy.ALL, filter_subjects=self.subscription.filter_subjects,
                              ack_wait=self.subscription.ack_wait, max_deliver=-1,
                              description=f"linli {self.service}: max_deliver={self.subscription.max_deliver} "
                                          f"enforced by the runner, then {self._dead_letter_subject}")

    async def _bind(self, timeout: float = 5.0) -> None:
        js = self.bus.js
        # CONSUMER.CREATE without an action is create-or-update: an existing durable takes the editable fields
        # (ack_wait, filters, description) in place and keeps its position; a change NATS cannot make is refused.
        await js.add_consumer(self.subscription.stream, config=self._config(), timeout=timeout)
        self._sub = await js.pull_subscribe_bind(durable=self.durable, stream=self.subscription.stream)

    async def _rebind(self, reason: str) -> bool:
        await self._drop_subscription()
        try:
            await self._bind(timeout=2.0)
        except Exception as exc:
            self._bind_failed(exc, reason)
            return False
        log.info("consumer.resubscribed", consumer=self.durable, reason=reason, waited_s=self._missing.found())
        return True

    def _bind_failed(self, exc: Exception, reason: str) -> None:
        """A missing stream is expected for a while (its producer starts later): debug, then one warning."""
        where = {"consumer": self.durable, "stream": self.subscription.stream, "reason": reason}
        if not _is_stream_missing(exc):
            log.warning("consumer.bind_failed", **where, error=_describe(exc))
        elif self._missing.overdue():
            log.warning("consumer.stream_missing", **where, waited_s=self._missing.waited(),
                        retry_every_s=self.missing_stream_retry)
        else:
            log.debug("consumer.stream_waiting", **where)

    async def _watch(self) -> None:
        try:
            info = await self.bus.js.consumer_info(self.subscription.stream, self.durable, timeout=2.0)
        except Exception as exc:
            reason = f"consumer_info failed: {_describe(exc)}"
        else:
            if not info.num_pending or info.paused:
                return  # nothing waiting for us, or paused on purpose
            reason = f"{info.num_pending} messages waiting but none fetched"
        await self._rebind(reason)

    async def _drop_subscription(self) -> None:
        sub, self._sub = self._sub, None
        if sub is not None:
            try:
                await sub.unsubscribe()
            except Exception:
                pass

    async def _pause(self, seconds: float) -> None:
        await set_within(self._stopping, seconds)


class _MissingStream:
    """How long a consumer has waited for its stream, and whether it has said so (once per absence)."""

    def __init__(self, grace: float) -> None:
        self.grace = grace
        self.since: float | None = None
        self.warned = False

    def waited(self) -> float:
        return round(time.monotonic() - self.since, 1) if self.since is not None else 0.0

    def overdue(self) -> bool:
        """Start or continue the wait; True exactly once, when it first outlasts the grace period."""
        if self.since is None:
            self.since = time.monotonic()
        if self.warned or time.monotonic() - self.since < self.grace:
            return False
        self.warned = True
        return True

    def retry_after(self, backoff: float, slow: float) -> float:
        return slow if self.warned else backoff

    def found(self) -> float:
        waited = self.waited()
        self.since, self.warned = None, False
        return waited


def _is_stream_missing(exc: Exception) -> bool:
    return isinstance(exc, NotFoundError) and getattr(exc, "err_code", None) == _STREAM_NOT_FOUND


@contextmanager
def _handling(event: CloudEvent, consumer: str) -> Iterator[None]:
    """Handle under the event's trace, in a span that is a child of the span that raised the event."""
    with _event_context(event, consumer), continued_span(
            f"process {event.type}", SpanKind.CONSUMER, event.traceparent,
            **{"messaging.system": "nats", "messaging.operation.type": "process", "messaging.message.id": event.id,
               "messaging.consumer.group.name": consumer}):
        yield


@contextmanager
def _event_context(event: CloudEvent, consumer: str) -> Iterator[None]:
    """Log and emit under the event's trace; restore the caller's context afterwards."""
    saved: dict[str, Any] = structlog.contextvars.get_contextvars()
    structlog.contextvars.clear_contextvars()
    bind_trace(event.traceparent)
    structlog.contextvars.bind_contextvars(consumer=consumer, event_id=event.id, community=event.community)
    try:
        yield
    finally:
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(**saved)


async def _release(msgs: list[Msg]) -> None:
    """Hand unprocessed messages back for prompt redelivery (acked ones are left alone)."""
    for msg in msgs:
        try:
            await msg.nak()
        except Exception:
            pass


def _duplicate_key(exc: DuplicateKeyError | BulkWriteError) -> bool:
    if isinstance(exc, DuplicateKeyError):
        return True
    errors = exc.details.get("writeErrors", [])
    return bool(errors) and all(error.get("code") == _DUPLICATE_KEY for error in errors)


def _backoff(failures: int) -> float:
    return min(0.5 * 2 ** (failures - 1), 5.0)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


__all__ = ["INBOX", "ConsumerRunner", "dead_letter_subject", "encode_header", "inbox_indexes"]
