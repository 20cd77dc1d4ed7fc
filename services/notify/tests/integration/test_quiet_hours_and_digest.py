"""Nobody is texted at night unless it is critical; the morning digest is one message per worker."""
from __future__ import annotations

from datetime import timedelta

from linli_devtools.asgi import eventually

from linli_notify.service_layer.delivery import deliver_due
from linli_notify.service_layer.digest import run_digest

from notify_helpers import counted, event, notifications, publish, referral, resident, set_local, staff, task


async def test_a_referral_at_half_past_ten_at_night_is_texted_at_eight(app, ctx, peers, nats_url, clock, as_staff):
    set_local(clock, 22, 30)
    await publish(nats_url, staff("w1"), resident("r-1"))
    await eventually(counted(ctx.db.residents, 1))
    made = referral("ref-1", "r-1", interview_at="2025-03-05T01:30:00Z")
    await publish(nats_url, made)
    [sms] = await eventually(lambda: notifications(ctx.db, channel="sms"))
    assert sms["status"] == "deferred" and sms["reason"] == "quiet_hours"
    local = sms["not_before"].astimezone(clock.zone)
    assert (local.hour, local.minute, local.date()) == (8, 0, (clock.now() + timedelta(days=1)).astimezone(
        clock.zone).date())
    [copy] = (await as_staff("w1").get("/v1/inbox")).json()["items"]  # the worker's copy is there at once
    assert copy["body"] == "已推荐王秀英应聘海港宾馆的保洁员岗位,面试时间3月5日 09:30。"
    assert await deliver_due(ctx) == {} and peers.received["sms/primary"] == []

    set_local(clock, 8, 0)
    await deliver_due(ctx)  # the worker's own round, run once here (claims are atomic: no double send)
    await eventually(lambda: notifications(ctx.db, channel="sms", status="sent"))
    [texted] = peers.received["sms/primary"]
    assert "王秀英您好,社区已推荐您应聘海港宾馆的保洁员岗位,面试时间3月5日 09:30" in texted["body"]
    assert '"phone":"13812345678"' in texted["body"]


async def test_a_critical_need_at_night_goes_out_at_once(app, ctx, peers, nats_url, clock, admin):
    set_local(clock, 23, 15)
    await publish(nats_url, staff("a1", "admin", phone="13900001111"), staff("w1", phone="13900002222"))
    await eventually(counted(ctx.db.staff, 2))
    assert (await admin.put("/v1/recipients/a1/preferences", json={"channels": ["inbox", "sms"]})).status_code == 200
    need = {"need_id": "n-1", "community_code": "130303001001", "resident_id": "r-1", "visit_id": "v-1",
            "category": "断电", "urgent": True}
    await publish(nats_url, event("linli.visits.need.reported.v1", need, "n-1"),
                  event("linli.visits.need.reported.v1", {**need, "need_id": "n-2", "urgent": False}, "n-2"))
    await eventually(lambda: notifications(ctx.db, channel="sms", status="sent"))
    [texted] = peers.received["sms/primary"]
    assert "【紧急】" in texted["body"] and "13900001111" in texted["body"]
    docs = await notifications(ctx.db)
    assert sorted((d["recipient_id"], d["channel"], d["critical"]) for d in docs) == [
        ("a1", "inbox", True), ("a1", "sms", True)]  # the non-urgent need notifies nobody


async def test_the_digests_tasks_take_the_newest_state_and_an_assignment_keeps_the_status(app, ctx, nats_url):
    await publish(nats_url, task("overdue", "t-1", "w1", version=3), task("created", "t-1", "w1"),
                  task("assigned", "t-2", "w1", version=2),  # its creation never arrived
                  task("overdue", "t-3", "w1", version=2), task("assigned", "t-3", "w2", version=3))
    await eventually(counted(ctx.db.tasks, 3, version={"$gt": 1}))

    tasks = {t["_id"]: (t["status"], t["assignee"], t["version"]) for t in await ctx.db.tasks.find().to_list()}
    assert tasks == {"t-1": ("overdue", "w1", 3), "t-2": ("open", "w1", 2), "t-3": ("overdue", "w2", 3)}


async def test_the_digest_at_eight_is_one_message_per_worker_with_the_right_counts(app, ctx, nats_url, clock,
                                                                                  as_staff, admin):
    await publish(nats_url, staff("w1", name="李红"), staff("w2", name="张伟"), staff("w3", name="赵敏"))
    await publish(nats_url, task("created", "t-1", "w1"), task("assigned", "t-2", "w1", version=2),
                  task("created", "t-3", "w1", resident_name="孙桂芝"), task("overdue", "t-3", "w1", version=3,
                                                                             resident_name="孙桂芝"),
                  task("created", "t-4", "w2"), task("created", "t-5", "w3"), task("completed", "t-5", "w3",
                                                                                   version=2, visit_id="v-1"),
                  task("created", "t-6", None), task("created", "t-7", "volunteer:r-9"))
    await eventually(counted(ctx.db.tasks, 7))
    await eventually(counted(ctx.db.tasks, 1, _id="t-3", status="overdue"))
    set_local(clock, 7, 59)
    assert await run_digest(ctx) == 0
    set_local(clock, 8, 0)
    assert await run_digest(ctx) == 2
    assert await run_digest(ctx) == 0  # once a day

    digests = await notifications(ctx.db, rule="daily_digest")
    assert sorted((d["recipient_id"], d["channel"]) for d in digests) == [("w1", "inbox"), ("w2", "inbox")]
    [w1] = [i for i in (await as_staff("w1").get("/v1/inbox")).json()["items"] if i["rule"] == "daily_digest"]
    assert w1["body"].startswith("李红您好,") and "您有3项待走访任务,其中1项已逾期" in w1["body"]
    assert "孙桂芝(例行走访),2025-03-10前【已逾期】" in w1["body"]
    [w2] = [i for i in (await as_staff("w2").get("/v1/inbox")).json()["items"] if i["rule"] == "daily_digest"]
    assert "您有1项待走访任务,其中0项已逾期" in w2["body"]
    assert [i for i in (await as_staff("w3").get("/v1/inbox")).json()["items"] if i["rule"] == "daily_digest"] == []
