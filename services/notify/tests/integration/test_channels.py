"""Peers that fail on purpose: SMS gateways (500, an error body on 200, a permanent refusal), a hanging webhook
receiver, a tampered signature. Each ends in a visible status; none blocks the others."""
from __future__ import annotations

from datetime import timedelta

import httpx

from linli_devtools.asgi import eventually

from linli_notify.domain.signing import SIGNATURE_HEADER

from notify_helpers import counted, notifications, publish, referral, resident, staff, task
from notify_peers import HOOK_SECRET


async def _referral_sms(ctx, nats_url: str, resident_id: str = "r-1") -> dict:
    await publish(nats_url, resident(resident_id))
    await eventually(counted(ctx.db.residents, 1, _id=resident_id))
    await publish(nats_url, referral(f"ref-{resident_id}", resident_id))
    [sms] = await eventually(lambda: notifications(ctx.db, channel="sms", recipient_id=resident_id))
    return sms


async def _settled(ctx, notification_id: str, *statuses: str) -> dict:
    async def check():
        return await ctx.db.notifications.find_one({"_id": notification_id, "status": {"$in": list(statuses)}})
    return await eventually(check)


async def test_temporary_failures_back_off_then_fail_over_to_the_backup(app, ctx, peers, nats_url, clock):
    peers.answer("sms/primary", "500", "code:SYSTEM_BUSY", "500")
    sms = await _referral_sms(ctx, nats_url)
    first = await _settled(ctx, sms["_id"], "retrying")
    assert first["reason"] == "sms.http_500"
    assert first["not_before"] - first["attempts"][0]["at"] == timedelta(seconds=60)
    clock.advance(timedelta(seconds=59))
    assert (await ctx.db.notifications.find_one({"_id": sms["_id"]}))["attempt_count"] == 1  # not before its time
    clock.advance(timedelta(seconds=2))
    second = await eventually(lambda: ctx.db.notifications.find_one({"_id": sms["_id"], "attempt_count": 2}))
    assert (second["status"], second["reason"]) == ("retrying", "sms.system_busy")  # 200 with an error body
    clock.advance(timedelta(seconds=301))
    sent = await _settled(ctx, sms["_id"], "sent")
    assert [(a["provider"], a["outcome"]) for a in sent["attempts"]] == [
        ("primary", "temporary"), ("primary", "temporary"), ("backup", "ok")]
    assert len(peers.received["sms/primary"]) == 2 and len(peers.received["sms/backup"]) == 1


async def test_a_permanent_refusal_is_not_retried_until_someone_retries_it_by_hand(app, ctx, peers, nats_url,
                                                                                   clock, admin, as_staff):
    peers.answer("sms/primary", "code:MOBILE_NUMBER_ILLEGAL")
    sms = await _referral_sms(ctx, nats_url)
    failed = await _settled(ctx, sms["_id"], "failed")
    assert (failed["reason"], failed["attempt_count"]) == ("sms.mobile_number_illegal", 1)
    clock.advance(timedelta(hours=3))
    await eventually(lambda: ctx.db.outbox.find_one({"type": "linli.notify.notification.failed.v1"}))
    assert len(peers.received["sms/primary"]) == 1
    assert (await as_staff("w1").post(f"/v1/notifications/{sms['_id']}/retry")).status_code == 403
    retried = await admin.post(f"/v1/notifications/{sms['_id']}/retry")
    assert retried.status_code == 200 and retried.json()["address"] == "138****5678"
    sent = await _settled(ctx, sms["_id"], "sent")
    assert sent["attempt_count"] == 2 and len(peers.received["sms/primary"]) == 2
    again = await admin.post(f"/v1/notifications/{sms['_id']}/retry")
    assert (again.status_code, again.json()["code"]) == (409, "notification.not_retryable")
    [failed_event] = await ctx.db.outbox.find({"type": "linli.notify.notification.failed.v1"}).to_list()
    assert "13812345678" not in failed_event["envelope"] and "138****5678" in failed_event["envelope"]


async def test_signed_webhooks_verify_and_a_hanging_receiver_blocks_nobody(app, ctx, peers, nats_url, admin):
    hooks = {}
    for name in ("hook/health", "hook/slow"):
        created = await admin.post("/v1/webhooks", json={"org_code": "130303", "url": f"{peers.url}/{name}",
                                                         "event_types": ["linli.visits.task.overdue.v1"],
                                                         "secret": HOOK_SECRET})
        assert created.status_code == 201 and created.json()["secret"] == HOOK_SECRET
        hooks[name] = created.json()["id"]
    assert all(h["secret"] is None for h in (await admin.get("/v1/webhooks")).json())
    peers.answer("hook/slow", "hang")
    await publish(nats_url, staff("w1"))
    overdue = task("overdue", "t-1", "w1", version=2)
    await publish(nats_url, overdue)
    await eventually(lambda: notifications(ctx.db, recipient_id=hooks["hook/health"], status="sent"))
    slow = await ctx.db.notifications.find_one({"recipient_id": hooks["hook/slow"]})
    assert slow["status"] in ("pending", "retrying")  # still hanging, or timed out: either way not sent
    [got] = peers.received["hook/health"]
    assert got["headers"]["x-linli-event-id"] == overdue.id and '"task_id":"t-1"' in got["body"]
    inbox = await eventually(lambda: notifications(ctx.db, channel="inbox", recipient_id="w1"))
    assert inbox[0]["status"] == "sent"
    timed_out = await _settled(ctx, slow["_id"], "retrying")
    assert timed_out["reason"] == "webhook.timeout"

    tampered = got["body"].replace("t-1", "t-2").encode()
    async with httpx.AsyncClient() as outsider:
        answer = await outsider.post(f"{peers.url}/hook/health", content=tampered,
                                     headers={SIGNATURE_HEADER: got["headers"][SIGNATURE_HEADER.lower()]})
    assert answer.status_code == 401 and len(peers.received["hook/health"]) == 1
    assert (await admin.delete(f"/v1/webhooks/{hooks['hook/slow']}")).status_code == 204
    assert [h["id"] for h in (await admin.get("/v1/webhooks")).json()] == [hooks["hook/health"]]
