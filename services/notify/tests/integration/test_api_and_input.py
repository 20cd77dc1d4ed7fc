"""Bad input is a specific 422 (or 404, 403, 409); a recipient who cannot be reached is a visible `skipped`."""
from __future__ import annotations

from linli_devtools.asgi import eventually

from notify_helpers import counted, notifications, publish, referral, resident, staff, task


async def test_a_template_is_saved_only_if_it_renders(app, ctx, admin, as_staff, nats_url):
    listed = {t["key"]: t for t in (await admin.get("/v1/orgs/130303/templates")).json()}
    assert "resident_name" in listed["task_assigned.inbox"]["variables"] and len(listed) == 26
    for body, code in (("{{ resident_name }}的{{ id_number }}", "template.variable.unknown"),
                       ("{% if due_by %}没有结束", "template.syntax"),
                       ("{{ resident_name.__class__.__mro__ }}", "template.unsafe"),
                       ("{% if false %}x{% endif %}", "template.empty")):
        response = await admin.put("/v1/orgs/130303/templates/task_assigned.sms", json={"body": body})
        assert (response.status_code, response.json()["code"]) == (422, code), body
    missing = await admin.put("/v1/orgs/130303/templates/nothing.sms", json={"body": "x"})
    assert missing.json()["code"] == "template.not_found"
    worker = await as_staff("w1").put("/v1/orgs/130303/templates/task_assigned.inbox", json={"body": "x"})
    assert worker.status_code == 403
    saved = await admin.put("/v1/orgs/130303/templates/task_assigned.inbox",
                            json={"body": "请走访{{ resident_name }}"})
    assert saved.status_code == 200 and saved.json()["customized"] and saved.json()["version"] == 1
    await publish(nats_url, task("assigned", "t-1", "w1", version=2))
    [item] = await eventually(lambda: notifications(ctx.db, recipient_id="w1"))
    assert item["body"] == "请走访周凤兰"


async def test_residents_without_a_phone_or_consent_are_skipped_with_the_reason(app, ctx, admin, nats_url, peers):
    await publish(nats_url, resident("r-none", phone=None), resident("r-no", consent=False), resident("r-ok"))
    await eventually(counted(ctx.db.residents, 3))
    await publish(nats_url, referral("ref-1", "r-none"), referral("ref-2", "r-no"), referral("ref-3", "r-ok"))
    await eventually(counted(ctx.db.notifications, 3, channel="sms"))
    skipped = (await admin.get("/v1/notifications", params={"status": "skipped", "channel": "sms"})).json()["items"]
    assert sorted((n["recipient_id"], n["reason"]) for n in skipped) == [
        ("r-no", "recipient.no_consent"), ("r-none", "recipient.no_phone")]
    await eventually(lambda: notifications(ctx.db, recipient_id="r-ok", status="sent"))
    assert len(peers.received["sms/primary"]) == 1


async def test_preferences_opt_outs_and_bad_input(app, ctx, admin, as_staff, nats_url):
    await publish(nats_url, staff("w1", email="w1@example.org"), staff("w2"))
    await eventually(counted(ctx.db.staff, 2))
    mine = as_staff("w1")
    bad = {"channels": ["pigeon"]}, {"quiet_hours": {"start": "25:00", "end": "08:00"}}, {"opt_outs": ["nope"]}
    codes = ["preferences.channel.unknown", "preferences.quiet_hours.invalid", "preferences.rule.unknown"]
    for body, code in zip(bad, codes, strict=True):
        response = await mine.put("/v1/recipients/w1/preferences", json=body)
        assert (response.status_code, response.json()["code"]) == (422, code)
    assert (await mine.put("/v1/recipients/w2/preferences", json={})).json()["code"] == "auth.role"
    assert (await admin.put("/v1/recipients/ghost/preferences", json={})).json()["code"] == "recipient.not_found"
    ok = await mine.put("/v1/recipients/w1/preferences", json={"channels": ["inbox", "email"],
                                                               "opt_outs": ["task_assigned"]})
    assert ok.status_code == 200 and ok.json()["recipient_kind"] == "staff"
    await publish(nats_url, task("assigned", "t-1", "w1", version=2))
    docs = await eventually(lambda: notifications(ctx.db, recipient_id="w1"))
    assert sorted((d["channel"], d["status"], d["reason"]) for d in docs) == [
        ("email", "skipped", "recipient.opted_out"), ("inbox", "skipped", "recipient.opted_out")]


async def test_the_delivery_log_is_for_admins_in_scope(app, admin, as_staff, make_token):
    assert (await as_staff("w1").get("/v1/notifications")).json()["code"] == "auth.role"
    response = await admin.get("/v1/notifications", params={"status": "lost"})
    assert response.status_code == 422
    assert (await admin.post("/v1/notifications/nope/retry")).json()["code"] == "notification.not_found"
    hook = await admin.post("/v1/webhooks", json={"org_code": "130303", "url": "ftp://x", "event_types": ["a"]})
    assert hook.json()["code"] in ("webhook.url.invalid", "webhook.event_type.unknown")
    unknown = await admin.post("/v1/webhooks", json={"org_code": "130303", "url": "https://x.example/h",
                                                     "event_types": ["linli.visits.task.eaten.v1"]})
    assert (unknown.status_code, unknown.json()["code"]) == (422, "webhook.event_type.unknown")
    elsewhere = await admin.post("/v1/webhooks", json={"org_code": "440303", "url": "https://x.example/h",
                                                       "event_types": ["linli.visits.task.overdue.v1"]})
    assert elsewhere.json()["code"] == "auth.scope"
    settings = await admin.put("/v1/communities/130303001001/notify-settings",
                               json={"rules": {"task_assigned": {"enabled": False}}, "wecom_robot_url": "nope"})
    assert settings.json()["code"] == "rules.wecom_robot_url.invalid"
