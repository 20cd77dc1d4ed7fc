"""Exactly one notification per (event, recipient, channel), whatever the bus does; a crash mid-send loses nothing."""
from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes
from email.policy import default

from linli_devtools.asgi import eventually

from linli_notify.service_layer.delivery import deliver_due
from linli_notify.service_layer.fanout import notify_event

from notify_helpers import counted, notifications, publish, staff, task


async def _team(nats_url: str, admin) -> None:
    """A worker who also wants e-mail, and two admins, known to notify through the registry's events."""
    await publish(nats_url, staff("w1", email="w1@example.org"), staff("a1", "admin"), staff("a2", "admin"),
                  staff("a-other", "admin", org_code="130303001002"))


async def test_an_event_delivered_twice_and_redelivered_notifies_each_recipient_once(app, ctx, admin, peers,
                                                                                    nats_url):
    await _team(nats_url, admin)
    await eventually(counted(ctx.db.staff, 4))
    put = await admin.put("/v1/recipients/w1/preferences", json={"channels": ["inbox", "email"]})
    assert put.status_code == 200, put.text
    overdue = task("overdue", "t-1", "w1", version=3)
    await publish(nats_url, overdue)
    await publish(nats_url, overdue, msg_id="replayed-by-an-operator")  # past JetStream's de-duplication
    await eventually(lambda: ctx.db.inbox.count_documents({"_id": {"$regex": overdue.id}}))
    await ctx.uow.run(lambda tx: notify_event(ctx, overdue, tx))  # and straight past the consumer's inbox
    await eventually(lambda: notifications(ctx.db, channel="email", status="sent"))

    docs = await notifications(ctx.db, event_id=overdue.id)
    assert sorted((d["recipient_id"], d["channel"]) for d in docs) == [
        ("a1", "inbox"), ("a2", "inbox"), ("w1", "email"), ("w1", "inbox")]
    assert len(peers.mailbox.messages) == 1
    mail = peers.mailbox.messages[0]
    assert mail.rcpt_tos == ["w1@example.org"]
    parsed = message_from_bytes(mail.content, policy=default)
    assert parsed["Subject"] == "走访任务逾期"
    assert "周凤兰(例行走访)" in parsed.get_content()
    w1 = await admin.get("/v1/notifications", params={"recipient": "w1", "channel": "email"})
    [logged] = w1.json()["items"]
    assert (logged["status"], logged["attempt_count"], logged["address"]) == ("sent", 1, "w***@example.org")


async def test_inbox_is_the_callers_own(app, ctx, as_staff, nats_url):
    await publish(nats_url, staff("w1"), staff("w2"), task("assigned", "t-1", "w1", version=2))
    mine = as_staff("w1")
    items = (await eventually(lambda: _inbox(mine)))
    assert [i["rule"] for i in items] == ["task_assigned"]
    assert "周凤兰" in items[0]["body"]
    assert (await _inbox(as_staff("w2"))) == []
    assert (await as_staff("w2").post(f"/v1/inbox/{items[0]['id']}/read")).status_code == 404
    read = await mine.post(f"/v1/inbox/{items[0]['id']}/read")
    assert read.status_code == 200 and read.json()["read_at"]
    assert (await mine.get("/v1/inbox", params={"unread": True})).json()["items"] == []


async def _inbox(c) -> list[dict]:
    response = await c.get("/v1/inbox")
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def test_a_crash_between_claim_and_mark_neither_drops_nor_duplicates(app, ctx, admin, peers, nats_url, clock):
    """A worker claimed the e-mail and died: nobody sends it while its lease runs; after, it goes exactly once."""
    await publish(nats_url, staff("w1", email="w1@example.org"))
    await eventually(lambda: ctx.db.staff.find_one({"_id": "w1"}))
    # Quiet hours hold the e-mail back while the test stages the crash: claimed by a worker that then died.
    await admin.put("/v1/recipients/w1/preferences", json={"channels": ["inbox", "email"],
                                                          "quiet_hours": {"start": "00:00", "end": "23:59"}})
    await publish(nats_url, task("assigned", "t-1", "w1", version=2))
    [email] = await eventually(lambda: notifications(ctx.db, channel="email", status="deferred"))
    stuck = clock.now() + timedelta(seconds=60)
    await ctx.db.notifications.update_one({"_id": email["_id"]}, {"$set": {
        "quiet": None, "not_before": clock.now(), "claim_id": "dead-worker", "lease_until": stuck}})
    assert await deliver_due(ctx) == {}
    assert peers.mailbox.messages == []
    clock.advance(timedelta(seconds=61))
    await eventually(lambda: notifications(ctx.db, channel="email", status="sent"))
    assert await deliver_due(ctx) == {}
    assert len(peers.mailbox.messages) == 1
