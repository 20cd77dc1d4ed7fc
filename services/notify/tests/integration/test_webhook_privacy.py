"""What leaves for an outside system is the minimum necessary: a webhook gets the event's identifiers and the data
classes it was granted, every delivery of personal data is on the trail, and in production nothing goes over
plain http or to an internal address (unless ops allow-list it). The delivery log keeps status codes, never what
a peer answered."""
from __future__ import annotations

import json

import pytest
from asgi_lifespan import LifespanManager
from pydantic import SecretStr

from linli_devtools.asgi import client, eventually

from linli_notify.bootstrap import create_app

from notify_helpers import COMMUNITY, notifications, publish, referral, resident, task
from notify_peers import HOOK_SECRET

KEY = SecretStr("a-real-gateway-key-0123456789")
RESIDENT = resident("r-1", health="高血压", disability={"kind": "visual", "grade": 2}, special_care=["低保"],
                    ethnicity="回族", address={"estate": "海港小区", "building": "3", "unit": "2", "room": "301"},
                    retired_cadre={"family_and_health": "老伴卧床"}).model_copy(update={"id": "ev-r-1"})


async def _hook(admin, url: str, data_classes: list[str], types=("linli.registry.resident.registered.v1",)):
    created = await admin.post("/v1/webhooks", json={"org_code": "130303", "url": url, "event_types": list(types),
                                                     "secret": HOOK_SECRET, "data_classes": data_classes})
    assert created.status_code == 201, created.text
    return created.json()


async def test_a_webhook_gets_the_identifiers_and_only_the_data_classes_it_was_granted(app, ctx, admin, peers,
                                                                                       nats_url):
    await _hook(admin, f"{peers.url}/hook/bare", [])
    contact = await _hook(admin, f"{peers.url}/hook/contact", ["identity", "contact"])
    assert contact["data_classes"] == ["contact", "identity"]
    wrong = await admin.post("/v1/webhooks", json={"org_code": "130303", "url": f"{peers.url}/hook/x",
                                                   "event_types": ["linli.registry.resident.registered.v1"],
                                                   "data_classes": ["everything"]})
    assert (wrong.status_code, wrong.json()["code"]) == (422, "webhook.data_class.unknown")
    await publish(nats_url, RESIDENT)
    await eventually(lambda: _received(peers, "hook/bare", "hook/contact"))

    got = json.loads(peers.received["hook/bare"][0]["body"])
    assert {k: got[k] for k in ("id", "type", "subject", "community", "aggregateversion")} == {
        "id": "ev-r-1", "type": "linli.registry.resident.registered.v1", "subject": "r-1", "community": COMMUNITY,
        "aggregateversion": 1}
    assert got["data"] == {"resident_id": "r-1", "community_code": COMMUNITY, "household_id": None}
    assert "traceparent" not in got
    with_contact = json.loads(peers.received["hook/contact"][0]["body"])["data"]
    assert with_contact == {"resident_id": "r-1", "community_code": COMMUNITY, "household_id": None,
                            "name": "王秀英", "phone": "138****5678", "sms_consent": True}

    trail = await eventually(lambda: ctx.db.reveal_trail.find({"via": {"$regex": "^webhook:"}}).to_list())
    assert [(t["via"], t["actor"], t["subject_ids"], sorted(t["fields"])) for t in trail] == [
        (f"webhook:{contact['id']}", "admin-1", ["r-1"], ["name", "phone", "sms_consent"])]


async def _received(peers, *paths: str) -> bool:
    return all(peers.received[path] for path in paths)


async def test_the_delivery_log_keeps_the_status_code_never_the_peers_answer(app, ctx, admin, peers, nats_url):
    hook = await _hook(admin, f"{peers.url}/hook/failing", [], types=("linli.visits.task.overdue.v1",))
    peers.answer("hook/failing", "500")
    await publish(nats_url, task("overdue", "t-1", None, version=2))
    [doc] = await eventually(lambda: notifications(ctx.db, recipient_id=hook["id"], status="retrying"))
    assert (doc["attempts"][0]["http_status"], doc["reason"]) == (500, "webhook.http_500")
    assert "boom" not in json.dumps(doc, default=str)  # the receiver answered {"error": "boom"}

    await publish(nats_url, resident("r-2"))
    await eventually(lambda: ctx.db.residents.find_one({"_id": "r-2"}))
    peers.answer("sms/primary", "code:SYSTEM_BUSY")
    await publish(nats_url, referral("ref-1", "r-2"))
    [sms] = await eventually(lambda: notifications(ctx.db, channel="sms", status="retrying"))
    assert (sms["attempts"][0]["http_status"], sms["reason"]) == (200, "sms.system_busy")
    assert "gateway says no" not in json.dumps(sms, default=str)


async def test_an_unmasked_delivery_log_is_on_the_reveal_trail(app, ctx, admin, make_token, peers, nats_url):
    await publish(nats_url, resident("r-1"))
    await eventually(lambda: ctx.db.residents.find_one({"_id": "r-1"}))
    await publish(nats_url, referral("ref-1", "r-1"))
    await eventually(lambda: notifications(ctx.db, channel="sms"))
    masked = (await admin.get("/v1/notifications", params={"channel": "sms"})).json()["items"]
    assert masked[0]["address"] == "138****5678"
    assert await ctx.db.reveal_trail.count_documents({}) == 0
    async with client(app, make_token(roles=["admin"], scope=["130303"], perms=["pii:read"], sub="auditor")) as pii:
        [shown] = (await pii.get("/v1/notifications", params={"channel": "sms"})).json()["items"]
        assert shown["address"] == "13812345678"
        assert (await pii.get(f"/v1/notifications/{shown['id']}")).json()["address"] == "13812345678"
    trail = await ctx.db.reveal_trail.find().to_list()
    assert [(t["actor"], t["via"], t["community_code"], t["subject_ids"], t["fields"]) for t in trail] == [
        ("auditor", "notify.delivery_log", COMMUNITY, ["r-1"], ["address"])] * 2


@pytest.fixture
def production(settings):
    """The test settings as production would have them, without the loopback SMS gateways of the test peers."""
    def make(**changes):
        return settings.model_copy(update={"environment": "production", "sms_primary_url": None,
                                           "sms_backup_url": None, **changes})
    return make


@pytest.fixture
async def production_admin(production, clock, streams, make_token):
    opened = []

    async def start(**changes):
        app = create_app(production(**changes), clock)
        manager = LifespanManager(app, startup_timeout=60, shutdown_timeout=30)
        await manager.__aenter__()
        admin = client(app, make_token(roles=["admin"], scope=["130303"], sub="admin-1"))
        opened.append((manager, admin))
        return app, admin

    yield start
    for manager, admin in opened:
        await admin.aclose()
        await manager.__aexit__(None, None, None)


async def test_production_refuses_plain_http_and_internal_targets_unless_allow_listed(production_admin):
    _, admin = await production_admin()
    attempts = {"http://hooks.example.org/linli": "webhook.url.insecure",
                "https://127.0.0.1/linli": "webhook.url.refused", "https://10.0.0.1/linli": "webhook.url.refused",
                "https://169.254.169.254/latest/meta-data": "webhook.url.refused",
                "https://[::1]/linli": "webhook.url.refused", "https://localhost/linli": "webhook.url.refused",
                "https://[::ffff:127.0.0.1]/linli": "webhook.url.refused",
                "https://0.0.0.0/linli": "webhook.url.refused"}
    for url, code in attempts.items():
        refused = await admin.post("/v1/webhooks", json={"org_code": "130303", "url": url,
                                                         "event_types": ["linli.visits.task.overdue.v1"]})
        assert (refused.status_code, refused.json()["code"]) == (422, code), url
    robot = await admin.put(f"/v1/communities/{COMMUNITY}/notify-settings",
                            json={"wecom_robot_url": "https://169.254.169.254/cgi-bin/webhook/send?key=k"})
    assert (robot.status_code, robot.json()["code"]) == (422, "rules.wecom_robot_url.refused")

    _, allowing = await production_admin(allowed_private_hosts=("localhost", "10.0.0.0/8"))
    for url in ("https://localhost/linli", "https://10.0.0.1/linli"):
        allowed = await allowing.post("/v1/webhooks", json={"org_code": "130303", "url": url,
                                                            "event_types": ["linli.visits.task.overdue.v1"]})
        assert allowed.status_code == 201, url
    still = await allowing.post("/v1/webhooks", json={"org_code": "130303", "url": "https://127.0.0.1/linli",
                                                      "event_types": ["linli.visits.task.overdue.v1"]})
    assert still.json()["code"] == "webhook.url.refused"


async def test_an_internal_target_is_refused_again_at_send_time(production_admin, peers, nats_url):
    app, admin = await production_admin()
    ctx = app.state.notify
    await ctx.db.webhooks.insert_one({  # registered while its name resolved elsewhere
        "_id": "hook-1", "org_code": "130303", "url": f"https://127.0.0.1:{peers.port}/hook/inside",
        "event_types": ["linli.visits.task.overdue.v1"], "data_classes": [], "secret": HOOK_SECRET,
        "active": True, "created_by": "admin-1"})
    await publish(nats_url, task("overdue", "t-1", None, version=2))
    [doc] = await eventually(lambda: notifications(ctx.db, recipient_id="hook-1", status="failed"))
    assert doc["reason"] == "webhook.target_refused" and not peers.received["hook/inside"]
    assert await ctx.db.reveal_trail.count_documents({}) == 0


async def test_production_does_not_start_with_an_sms_gateway_on_plain_http_or_inside(production, clock):
    for url in ("http://sms.example.org/send", "https://127.0.0.1/send", "https://10.1.2.3/send"):
        with pytest.raises(ValueError, match="LINLI_NOTIFY_SMS_PRIMARY_URL"):
            create_app(production(sms_primary_url=url, sms_api_key=KEY), clock)
    create_app(production(sms_primary_url="https://10.1.2.3/send", sms_api_key=KEY,
                          allowed_private_hosts=("10.1.2.0/24",)), clock)
