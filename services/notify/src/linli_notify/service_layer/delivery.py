"""The delivery worker: claim what is due, send each on its own (a hanging peer blocks nobody), record the outcome.

A notification is claimed with a lease (`claim_id`, `lease_until`) before it is sent and marked after, in one
transaction with its event. A crash in between leaves it claimed until the lease expires, then it is claimed
again: nothing is dropped. The honest edge is at-least-once: if the crash falls after the provider accepted
the message and before the mark, it is sent a second time. Webhook receivers de-duplicate by
X-Linli-Delivery-Id; SMS gateways by `request_id` (the notification id) where they support it.
"""
from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

import structlog

from linli_shared.auth import Principal
from linli_shared.logging import get_logger
from linli_shared.metrics import NOTIFY_DELIVERIES
from linli_shared.outbox import Tx
from linli_shared.tracing import bind_trace
from linli_shared.trail import record_reveal
from linli_shared.waiting import within

from linli_notify.channels.base import Message
from linli_notify.domain.quiet import parse_hhmm, quiet_until
from linli_notify.domain.retry import Outcome, decide, temporary
from linli_notify.service_layer.context import Notify
from linli_notify.storage import notifications, webhooks
from linli_notify.storage.notifications import Notification

log = get_logger()
NOT_SENT = ("webhook.gone", "webhook.unresolvable", "webhook.target_refused", "webhook.target_insecure",
            "webhook.target_invalid")  # a webhook attempt that never left: nothing to put on the trail


async def claim_due(ctx: Notify, limit: int) -> list[tuple[Notification, str]]:
    """Take up to `limit` due notifications, respecting each channel's rate; each claim is atomic."""
    now = ctx.clock.now()
    due = {"status": {"$in": list(notifications.DUE)}, "not_before": {"$lte": now}}
    unleased = [{"lease_until": None}, {"lease_until": {"$lt": now}}]  # never claimed, or the claim's lease ran out
    candidates = await notifications.due(ctx.db, due, unleased, limit * 2)
    chosen: list[str] = []
    for candidate in candidates:
        if len(chosen) >= limit:
            break
        if ctx.limiter.take(candidate.channel, now.timestamp()):
            chosen.append(candidate.id)  # else this channel is at its rate: it stays due for the next round
    if not chosen:
        return []
    owner = str(uuid.uuid4())
    lease = {"$set": {"claim_id": owner, "lease_until": now + timedelta(seconds=ctx.settings.delivery_lease_seconds)}}
    claimed = await notifications.claim(ctx.db, chosen, [{**due, **free} for free in unleased], lease, owner)
    return [(doc, owner) for doc in claimed]


async def webhook_secrets(ctx: Notify, claimed: list[tuple[Notification, str]]) -> dict[str, str]:
    """The secrets a round's webhook deliveries sign with, read once for the round (none for a deleted hook)."""
    hooks = {doc.recipient_id for doc, _ in claimed if doc.channel == "webhook"}
    return await webhooks.secrets_of(ctx.db, hooks) if hooks else {}


async def send_one(ctx: Notify, doc: Notification, claim_id: str, secrets: Mapping[str, str]) -> str:
    """Send one claimed notification and record what happened; returns the new status.

    `secrets`: the signing secret of each active webhook among the round's (`webhook_secrets`).
    """
    structlog.contextvars.clear_contextvars()
    bind_trace(doc.traceparent)  # the source event's trace follows into the send
    structlog.contextvars.bind_contextvars(notification_id=doc.id, community=doc.community_code)
    release = _quiet_release(ctx, doc)
    if release is not None:  # a retry that fell into the night waits for the morning, without an attempt
        return await _record(ctx, doc, claim_id, None, release)
    try:
        outcome = await within(ctx.settings.send_timeout_seconds + 1,
                               ctx.channels[doc.channel].send(_message(doc, secrets)))
    except TimeoutError:
        outcome = temporary(f"{doc.channel}.timeout", "no answer in time")
    except Exception as exc:  # a bug in one adapter must not stop the worker or lose the notification
        log.error("notify.send_error", error=str(exc), error_type=type(exc).__name__, exc_info=exc)
        outcome = temporary(f"{doc.channel}.error", type(exc).__name__)
    return await _record(ctx, doc, claim_id, outcome, None)


def _quiet_release(ctx: Notify, doc: Notification):
    if not doc.quiet or doc.critical:
        return None
    start, end = (parse_hhmm(t) for t in doc.quiet)
    return quiet_until(ctx.clock.now(), start, end, ctx.clock.zone)


def _message(doc: Notification, secrets: Mapping[str, str]) -> Message:
    secret = secrets.get(doc.recipient_id) if doc.channel == "webhook" else None
    return Message(notification_id=doc.id, event_id=doc.event_id, address=doc.address or "",
                   body=doc.body or "", subject=doc.subject, mention=doc.mention, secret=secret)


async def _record(ctx: Notify, doc: Notification, claim_id: str, outcome: Outcome | None, release) -> str:
    now = ctx.clock.now()
    if outcome is None:
        changes: dict[str, Any] = {"status": "deferred", "not_before": release, "reason": "quiet_hours"}
        push = None
    else:
        attempts = doc.attempt_count + 1
        decision = decide(outcome, attempts, doc.max_attempts, ctx.settings.backoff_seconds, now)
        changes = {"status": decision.status, "not_before": decision.not_before or now,
                   "reason": None if outcome.ok else outcome.code, "provider": outcome.provider,
                   "attempt_count": attempts, **({"sent_at": now} if outcome.ok else {})}
        push = {"at": now, "outcome": outcome.kind, "code": outcome.code, "provider": outcome.provider,
                "http_status": outcome.http_status, "detail": outcome.detail}
    changes.update(updated_at=now, claim_id=None, lease_until=None, version=doc.version + 1)
    status = await ctx.outcomes.submit(Recorded(doc, claim_id, changes, push, outcome is not None and bool(
        doc.revealed) and outcome.code not in NOT_SENT), partial(_record_all, ctx))
    if status is None:
        log.warning("notify.claim_lost", notification_id=doc.id)
    else:  # counted once it is recorded: a lost claim is counted by the worker that owns it now
        NOTIFY_DELIVERIES.labels(doc.channel, status).inc()
    return status or "lost"


@dataclass(frozen=True, eq=False)
class Recorded:
    """One send's outcome, to record while its claim holds."""

    doc: Notification
    claim_id: str
    changes: dict[str, Any]
    attempt: dict[str, Any] | None
    reveals: bool  # personal data went out (or may have): on the trail


async def _record_all(ctx: Notify, outcomes: list[Recorded]) -> list[str | None]:
    """Outcomes that finished together, in one transaction: each written only while its claim holds (None where
    the lease ran out and someone else owns the notification now), with its trail entry and its event."""
    async def work(tx: Tx) -> list[str | None]:
        held = await notifications.claims(tx, [o.doc.id for o in outcomes])
        mine = [o for o in outcomes if held.get(o.doc.id) == o.claim_id]
        await notifications.record_outcomes(tx, [(o.doc.id, o.claim_id, o.changes, o.attempt) for o in mine])
        saved = structlog.contextvars.get_contextvars()
        try:
            for o in mine:
                bind_trace(o.doc.traceparent)  # each event carries its own notification's trace
                if o.reveals:
                    await _trail_webhook(tx, o.doc)
                notifications.announce(tx, o.doc.model_copy(update=o.changes))
        finally:
            structlog.contextvars.clear_contextvars()
            structlog.contextvars.bind_contextvars(**saved)
        recorded = {id(o) for o in mine}
        return [o.changes["status"] if id(o) in recorded else None for o in outcomes]

    return await ctx.uow.run(work)


async def _trail_webhook(tx: Tx, doc: Notification) -> None:
    """Personal data went to an outside system (or may have: a timeout): on the trail, in the same transaction.

    The actor is the admin who registered the webhook and granted its data classes; `via` names the webhook.
    """
    revealed = doc.revealed
    grantor = Principal(sub=revealed.actor, roles=frozenset({"admin"}), scope=(doc.community_code,))
    await record_reveal(tx.db, grantor, via=f"webhook:{doc.recipient_id}", community=doc.community_code,
                        subject_ids=revealed.subject_ids, fields=revealed.fields, session=tx.session)


async def deliver_due(ctx: Notify, limit: int = 200) -> dict[str, int]:
    """One round, waiting for every send: what the worker does, for a test or a script to run once."""
    claimed = await claim_due(ctx, limit)
    secrets = await webhook_secrets(ctx, claimed)
    statuses = await asyncio.gather(*(send_one(ctx, doc, claim, secrets) for doc, claim in claimed))
    counts: dict[str, int] = {}
    for status in statuses:
        counts[status] = counts.get(status, 0) + 1
    return counts


class DeliveryWorker:
    """The background loop: sends run as their own tasks, at most `delivery_concurrency` at once.

    No lease is needed to run it on every replica: each claim is atomic, so replicas share the work.
    """

    def __init__(self, ctx: Notify) -> None:
        self.ctx = ctx
        self.inflight: set[asyncio.Task] = set()

    async def run(self) -> None:
        try:
            while True:
                try:
                    await self.dispatch()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # the store is down: keep the loop, try next poll
                    log.warning("notify.worker_error", error=str(exc), error_type=type(exc).__name__, exc_info=exc)
                await self.ctx.new_work.wait(self.ctx.settings.delivery_poll_seconds)
        finally:
            await self._drain()

    async def dispatch(self) -> int:
        free = self.ctx.settings.delivery_concurrency - len(self.inflight)
        if free <= 0:
            return 0
        claimed = await claim_due(self.ctx, free)
        secrets = await webhook_secrets(self.ctx, claimed)
        for doc, claim_id in claimed:
            task = asyncio.create_task(send_one(self.ctx, doc, claim_id, secrets), name=f"notify-send-{doc.id}")
            self.inflight.add(task)
            task.add_done_callback(self._done)
        return len(claimed)

    def _done(self, task: asyncio.Task) -> None:
        self.inflight.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("notify.send_task_failed", error=str(task.exception()))
        self.ctx.new_work.ring()  # a free slot: look for more work now

    async def _drain(self) -> None:
        """On shutdown let in-flight sends finish briefly; the rest are released by their lease."""
        if self.inflight:
            _, pending = await asyncio.wait(self.inflight, timeout=self.ctx.settings.send_timeout_seconds)
            for task in pending:
                task.cancel()
        for closer in self.ctx.closers:
            await closer()
