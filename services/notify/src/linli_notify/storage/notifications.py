"""The delivery log: one document per (source event, recipient, channel), moved on with one event per outcome."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from bson import ObjectId

from linli_shared.logging import get_logger
from linli_shared.outbox import Tx
from linli_shared.tracing import trace_id_of

from linli_notify.domain.addresses import mask_address
from linli_notify.events import NotificationDelivered, NotificationFailed
from linli_notify.storage.indexes import NOTIFICATIONS

log = get_logger()
DUE = ("pending", "retrying", "deferred")


def new_doc(*, event_id: str, event_type: str, rule: str, community: str, recipient_kind: str, recipient_id: str,
            channel: str, status: str, now: datetime, traceparent: str | None, max_attempts: int,
            **fields: Any) -> dict[str, Any]:
    return {"_id": str(ObjectId()), "event_id": event_id, "event_type": event_type, "rule": rule,
            "community_code": community, "recipient_kind": recipient_kind, "recipient_id": recipient_id,
            "channel": channel, "status": status, "not_before": fields.pop("not_before", None) or now,
            "attempts": [], "attempt_count": 0, "max_attempts": max_attempts, "lease_until": None,
            "claim_id": None, "traceparent": traceparent, "created_at": now, "updated_at": now,
            "sent_at": now if status == "sent" else None, "read_at": None, "version": 1, **fields}


def _key(doc: dict[str, Any]) -> tuple[str, str, str, str]:
    return doc["event_id"], doc["recipient_kind"], doc["recipient_id"], doc["channel"]


async def store(tx: Tx, docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Insert the docs whose key is new; the unique index guards against a concurrent twin."""
    if not docs:
        return []
    event_ids = list({d["event_id"] for d in docs})
    existing = {_key(d) for d in await tx.db[NOTIFICATIONS].find(
        {"event_id": {"$in": event_ids}}, {"event_id": 1, "recipient_kind": 1, "recipient_id": 1, "channel": 1},
        session=tx.session).to_list()}
    fresh, seen = [], set(existing)
    for doc in docs:
        if _key(doc) not in seen:
            seen.add(_key(doc))
            fresh.append(doc)
    if fresh:
        await tx.db[NOTIFICATIONS].insert_many(fresh, session=tx.session)
    for doc in fresh:
        announce(tx, doc)
    return fresh


def announce(tx: Tx, doc: dict[str, Any]) -> None:
    """The event and the log line for a notification's current status."""
    status = doc["status"]
    if status == "sent":
        tx.emit(NotificationDelivered(**facts(doc), provider=doc.get("provider"), sent_at=doc["sent_at"]),
                subject=doc["_id"], community=doc["community_code"], aggregate_version=doc["version"])
    elif status in ("failed", "dead"):
        tx.emit(NotificationFailed(**facts(doc), status=status, error_code=doc.get("reason") or "unknown"),
                subject=doc["_id"], community=doc["community_code"], aggregate_version=doc["version"])
    name = {"sent": "notify.delivered", "failed": "notify.failed", "dead": "notify.failed",
            "deferred": "notify.deferred", "skipped": "notify.skipped", "retrying": "notify.retrying"}.get(status)
    if name:
        level = log.warning if status in ("failed", "dead", "retrying") else log.info
        level(name, **log_fields(doc))


def facts(doc: dict[str, Any]) -> dict[str, Any]:
    return {"notification_id": doc["_id"], "community_code": doc["community_code"], "source_event_id": doc["event_id"],
            "source_event_type": doc["event_type"], "rule": doc["rule"], "channel": doc["channel"],
            "recipient_kind": doc["recipient_kind"], "recipient_id": doc["recipient_id"],
            "address_masked": mask_address(doc["channel"], doc.get("address")), "attempts": doc["attempt_count"]}


def log_fields(doc: dict[str, Any]) -> dict[str, Any]:
    """Ids, status and a masked address: never the body, never a whole phone number."""
    return {"notification_id": doc["_id"], "rule": doc["rule"], "channel": doc["channel"],
            "recipient_kind": doc["recipient_kind"], "recipient_id": doc["recipient_id"],
            "address": mask_address(doc["channel"], doc.get("address")), "status": doc["status"],
            "reason": doc.get("reason"), "attempts": doc["attempt_count"], "source_event_id": doc["event_id"],
            "community": doc["community_code"], "trace_id": trace_id_of(doc.get("traceparent")),
            "not_before": doc["not_before"].isoformat() if doc["status"] == "deferred" else None}
