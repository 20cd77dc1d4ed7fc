"""Helpers for notify tests: source events published straight onto NATS, and the fake peers on loopback."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import nats

from linli_shared.clock import Clock
from linli_shared.events import CloudEvent

DISTRICT, COMMUNITY, OTHER = "130303", "130303001001", "130303001002"
TRACE = "00-" + "7" * 32 + "-" + "1" * 16 + "-01"


def event(event_type: str, data: dict[str, Any], subject: str, version: int = 1, event_id: str | None = None,
          community: str = COMMUNITY) -> CloudEvent:
    service = event_type.split(".")[1]
    return CloudEvent(id=event_id or str(uuid.uuid4()), source=f"/linli/{service}", type=event_type,
                      subject=subject, time=datetime.now(UTC), data=data, community=community, traceparent=TRACE,
                      aggregateversion=version)


async def publish(nats_url: str, *events: CloudEvent, msg_id: str | None = None) -> None:
    """As the producer's relay would; `msg_id` other than the event id slips past JetStream's de-duplication."""
    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream()
        for e in events:
            await js.publish(e.nats_subject, e.model_dump_json().encode(), headers={"Nats-Msg-Id": msg_id or e.id})
    finally:
        await nc.close()


def staff(staff_id: str, role: str = "worker", **fields) -> CloudEvent:
    data = {"staff_id": staff_id, "org_code": COMMUNITY, "name": fields.pop("name", f"社工{staff_id}"), "role": role,
            "phone": None, "email": None, "wecom_userid": None, "active": True, **fields}
    return event("linli.registry.staff.upserted.v1", data, staff_id)


def resident(resident_id: str, phone: str | None = "13812345678", consent: bool = True, **fields) -> CloudEvent:
    data = {"resident_id": resident_id, "community_code": COMMUNITY, "household_id": None,
            "name": fields.pop("name", "王秀英"), "gender": "female", "birth_date": "1975-05-01",
            "residence_type": "registered", "status": "active", "phone": phone, "sms_consent": consent, **fields}
    return event("linli.registry.resident.registered.v1", data, resident_id)


def task(verb: str, task_id: str, assignee: str | None, version: int = 1, **fields) -> CloudEvent:
    data = {"task_id": task_id, "community_code": COMMUNITY, "resident_id": fields.pop("resident_id", "r-1"),
            "resident_name": fields.pop("resident_name", "周凤兰"), "reason": fields.pop("reason", "routine"),
            "due_from": "2025-03-01", "due_by": fields.pop("due_by", "2025-03-10"), "assignee": assignee, **fields}
    return event(f"linli.visits.task.{verb}.v1", data, task_id, version)


def referral(referral_id: str, resident_id: str, referred_by: str = "w1",
             interview_at: str | None = None) -> CloudEvent:
    data = {"referral_id": referral_id, "seeker_id": f"s-{resident_id}", "resident_id": resident_id,
            "community_code": COMMUNITY, "job_id": "job-1", "job_title": "保洁员", "employer_name": "海港宾馆",
            "referred_by": referred_by, "interview_at": interview_at}
    return event("linli.employment.referral.made.v1", data, referral_id)


def set_local(clock: Clock, hour: int, minute: int = 0) -> None:
    """Move the clock to today's (or tomorrow's) hh:mm in Asia/Shanghai, forward only."""
    now = clock.now().astimezone(clock.zone)
    target = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if target <= now:
        target += timedelta(days=1)
    clock.advance(target - now)


async def notifications(db, **query) -> list[dict]:
    return await db.notifications.find(query).sort("_id", 1).to_list()


def counted(collection, n: int, **query):
    """For `eventually`: truthy once exactly `n` documents match."""
    async def check() -> bool:
        return await collection.count_documents(query) == n
    return check
