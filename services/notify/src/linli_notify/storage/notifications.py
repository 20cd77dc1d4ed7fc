"""The delivery log: one document per (source event, recipient, channel), moved on with one event per outcome."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from bson import ObjectId
from pydantic import BaseModel, ConfigDict, Field
from pymongo import UpdateOne

from linli_shared.logging import get_logger
from linli_shared.outbox import Tx
from linli_shared.pagination import page_by_id
from linli_shared.store_shapes import find_any_of
from linli_shared.tracing import trace_id_of

from linli_notify.domain.addresses import mask_address
from linli_notify.events import NotificationDelivered, NotificationFailed
from linli_notify.storage.indexes import NOTIFICATIONS

log = get_logger()
DUE = ("pending", "retrying", "deferred")


class Revealed(BaseModel):
    """The personal data a webhook delivery carries, for the reveal trail when it is sent."""

    actor: str
    fields: list[str]
    subject_ids: list[str]


class Notification(BaseModel):
    """One message to one recipient on one channel for one source event, and what became of it.

    Stored with exactly the fields it was given (`doc()`): a webhook's has no `mention`, a planned one no
    `revealed`; the outcome's fields (`provider`, `retried_by`) come with the outcome.
    """

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    id: str = Field(alias="_id")
    event_id: str
    event_type: str
    rule: str
    community_code: str
    recipient_kind: str
    recipient_id: str
    channel: str
    status: str
    not_before: datetime
    attempts: list[dict[str, Any]] = []
    attempt_count: int = 0
    max_attempts: int
    lease_until: datetime | None = None
    claim_id: str | None = None
    traceparent: str | None = None
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None = None
    read_at: datetime | None = None
    version: int
    address: str | None = None
    reason: str | None = None
    critical: bool = False
    recipient_name: str | None = None
    quiet: list[str] | None = None  # the recipient's quiet hours, HH:MM to HH:MM, for a retry that falls in them
    mention: str | None = None
    subject: str | None = None
    body: str | None = None
    revealed: Revealed | None = None
    provider: str | None = None
    retried_by: str | None = None

    @property
    def key(self) -> tuple[str, str, str, str]:
        return self.event_id, self.recipient_kind, self.recipient_id, self.channel

    def doc(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude_unset=True)


class Due(BaseModel):
    """A notification that may be claimed: just what choosing among them needs."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    id: str = Field(alias="_id")
    channel: str
    not_before: datetime


def new_doc(*, event_id: str, event_type: str, rule: str, community: str, recipient_kind: str, recipient_id: str,
            channel: str, status: str, now: datetime, traceparent: str | None, max_attempts: int,
            **fields: Any) -> Notification:
    return Notification.model_validate({
        "_id": str(ObjectId()), "event_id": event_id, "event_type": event_type, "rule": rule,
        "community_code": community, "recipient_kind": recipient_kind, "recipient_id": recipient_id,
        "channel": channel, "status": status, "not_before": fields.pop("not_before", None) or now,
        "attempts": [], "attempt_count": 0, "max_attempts": max_attempts, "lease_until": None,
        "claim_id": None, "traceparent": traceparent, "created_at": now, "updated_at": now,
        "sent_at": now if status == "sent" else None, "read_at": None, "version": 1, **fields})


async def store(tx: Tx, docs: list[Notification]) -> list[Notification]:
    """Insert the docs whose key is new; the unique index guards against a concurrent twin."""
    if not docs:
        return []
    event_ids = list({d.event_id for d in docs})
    existing = {(d["event_id"], d["recipient_kind"], d["recipient_id"], d["channel"]) for d in await tx.db[
        NOTIFICATIONS].find({"event_id": {"$in": event_ids}},
                            {"event_id": 1, "recipient_kind": 1, "recipient_id": 1, "channel": 1},
                            session=tx.session).to_list()}
    fresh, seen = [], set(existing)
    for doc in docs:
        if doc.key not in seen:
            seen.add(doc.key)
            fresh.append(doc)
    if fresh:
        await tx.db[NOTIFICATIONS].insert_many([doc.doc() for doc in fresh], session=tx.session)
    for doc in fresh:
        announce(tx, doc)
    return fresh


def announce(tx: Tx, doc: Notification) -> None:
    """The event and the log line for a notification's current status."""
    status = doc.status
    if status == "sent":
        tx.emit(NotificationDelivered(**facts(doc), provider=doc.provider, sent_at=doc.sent_at),
                subject=doc.id, community=doc.community_code, aggregate_version=doc.version)
    elif status in ("failed", "dead"):
        tx.emit(NotificationFailed(**facts(doc), status=status, error_code=doc.reason or "unknown"),
                subject=doc.id, community=doc.community_code, aggregate_version=doc.version)
    name = {"sent": "notify.delivered", "failed": "notify.failed", "dead": "notify.failed",
            "deferred": "notify.deferred", "skipped": "notify.skipped", "retrying": "notify.retrying"}.get(status)
    if name:
        level = log.warning if status in ("failed", "dead", "retrying") else log.info
        level(name, **log_fields(doc))


def facts(doc: Notification) -> dict[str, Any]:
    return {"notification_id": doc.id, "community_code": doc.community_code, "source_event_id": doc.event_id,
            "source_event_type": doc.event_type, "rule": doc.rule, "channel": doc.channel,
            "recipient_kind": doc.recipient_kind, "recipient_id": doc.recipient_id,
            "address_masked": mask_address(doc.channel, doc.address), "attempts": doc.attempt_count}


def log_fields(doc: Notification) -> dict[str, Any]:
    """Ids, status and a masked address: never the body, never a whole phone number."""
    return {"notification_id": doc.id, "rule": doc.rule, "channel": doc.channel,
            "recipient_kind": doc.recipient_kind, "recipient_id": doc.recipient_id,
            "address": mask_address(doc.channel, doc.address), "status": doc.status,
            "reason": doc.reason, "attempts": doc.attempt_count, "source_event_id": doc.event_id,
            "community": doc.community_code, "trace_id": trace_id_of(doc.traceparent),
            "not_before": doc.not_before.isoformat() if doc.status == "deferred" else None}


# The delivery worker's reads and writes; which filters claim what is in service_layer/delivery.py.
async def due(db: Any, query: dict[str, Any], alternatives: list[dict[str, Any]], limit: int) -> list[Due]:
    """Channel and time of up to `limit` notifications matching `query` and one of `alternatives`, soonest first."""
    docs = await find_any_of(db[NOTIFICATIONS], query, alternatives, {"channel": 1, "not_before": 1}, "not_before",
                             limit)
    return [Due.model_validate(d) for d in docs]


async def claim(db: Any, notification_ids: list[str], claimable: list[dict[str, Any]], update: dict[str, Any],
                claim_id: str) -> list[Notification]:
    """Apply the claim `update` to those of the notifications still matching one of `claimable`; the ones claimed.

    Each update is atomic per document, so two workers never both claim one: one update for each filter the
    rest may still match, then one read of what this claim took.
    """
    for query in claimable:
        await db[NOTIFICATIONS].update_many({"_id": {"$in": notification_ids}, **query}, update)
    docs = await db[NOTIFICATIONS].find({"_id": {"$in": notification_ids}, "claim_id": claim_id}).to_list()
    return sorted((Notification.model_validate(d) for d in docs), key=lambda doc: doc.not_before)


def _read(doc: dict[str, Any] | None) -> Notification | None:
    return None if doc is None else Notification.model_validate(doc)


async def claims(tx: Tx, notification_ids: list[str]) -> dict[str, str | None]:
    """Who holds each of these notifications now (its `claim_id`), read in the transaction that records outcomes."""
    docs = await tx.db[NOTIFICATIONS].find({"_id": {"$in": notification_ids}}, {"claim_id": 1},
                                           session=tx.session).to_list()
    return {doc["_id"]: doc.get("claim_id") for doc in docs}


async def record_outcomes(tx: Tx, outcomes: list[tuple[str, str, dict[str, Any], dict[str, Any] | None]]) -> None:
    """Each (notification, claim, changes, attempt) in one write, each still only while its claim holds."""
    writes = []
    for notification_id, claim_id, changes, attempt in outcomes:
        update: dict[str, Any] = {"$set": changes, **({"$push": {"attempts": attempt}} if attempt else {})}
        writes.append(UpdateOne({"_id": notification_id, "claim_id": claim_id}, update))
    if writes:
        await tx.db[NOTIFICATIONS].bulk_write(writes, session=tx.session)


async def fold_deferred(tx: Tx, recipient_id: str, rules: tuple[str, ...], now: datetime) -> None:
    """Messages of these rules held back for the recipient (outside the inbox) are skipped: the digest has them."""
    await tx.db[NOTIFICATIONS].update_many(
        {"recipient_id": recipient_id, "status": "deferred", "rule": {"$in": list(rules)},
         "channel": {"$ne": "inbox"}, "not_before": {"$lte": now}},
        {"$set": {"status": "skipped", "reason": "digest.folded", "updated_at": now},
         "$inc": {"version": 1}}, session=tx.session)


# The delivery log and the inbox.
async def get(db: Any, notification_id: str) -> Notification | None:
    return _read(await db[NOTIFICATIONS].find_one({"_id": notification_id}))


@dataclass(frozen=True)
class LogFilter:
    """What a reader of the delivery log narrows it to; None: any."""

    status: str | None = None
    channel: str | None = None
    recipient_id: str | None = None
    rule: str | None = None
    event_id: str | None = None


async def page_log(db: Any, scope: dict[str, Any], filters: LogFilter, limit: int,
                   cursor: str | None) -> tuple[list[Notification], str | None]:
    """The delivery log within `scope`, by id."""
    query = {**scope, **{k: v for k, v in asdict(filters).items() if v is not None}}
    docs, next_cursor = await page_by_id(db[NOTIFICATIONS], query, limit, cursor)
    return [Notification.model_validate(d) for d in docs], next_cursor


async def requeue(tx: Tx, doc: Notification, changes: dict[str, Any]) -> bool:
    """Apply `changes` if the notification is still at the version read; False if it moved meanwhile."""
    result = await tx.db[NOTIFICATIONS].update_one({"_id": doc.id, "version": doc.version},
                                                   {"$set": changes}, session=tx.session)
    return bool(result.modified_count)


async def page_inbox(db: Any, recipient_id: str, scope: dict[str, Any], unread: bool | None, limit: int,
                     cursor: str | None) -> tuple[list[Notification], str | None]:
    query: dict[str, Any] = {"recipient_id": recipient_id, "channel": "inbox", **scope}
    if unread is not None:
        query["read_at"] = None if unread else {"$ne": None}
    docs, next_cursor = await page_by_id(db[NOTIFICATIONS], query, limit, cursor)
    return [Notification.model_validate(d) for d in docs], next_cursor


async def inbox_item(db: Any, notification_id: str, recipient_id: str) -> Notification | None:
    return _read(await db[NOTIFICATIONS].find_one({"_id": notification_id, "recipient_id": recipient_id,
                                                   "channel": "inbox"}))


async def mark_read(db: Any, notification_id: str, at: datetime) -> None:
    await db[NOTIFICATIONS].update_one({"_id": notification_id, "read_at": None}, {"$set": {"read_at": at}})
