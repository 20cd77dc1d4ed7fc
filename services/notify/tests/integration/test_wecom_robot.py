"""The WeCom (企业微信) group robot: a community sets its robot, a worker who prefers WeCom is @-mentioned there."""
from __future__ import annotations

from linli_devtools.asgi import eventually

from linli_notify.service_layer.delivery import deliver_due

from notify_helpers import COMMUNITY, notifications, publish, staff, task


async def test_wecom_goes_to_the_communitys_robot_mentioning_the_worker_or_is_skipped_without_one(
        app, ctx, admin, peers, nats_url):
    await publish(nats_url, staff("w1", wecom_userid="lihong"))
    await eventually(lambda: ctx.db.staff.find_one({"_id": "w1"}))
    prefs = await admin.put("/v1/recipients/w1/preferences", json={"channels": ["inbox", "wecom"]})
    assert prefs.status_code == 200, prefs.text

    no_robot = task("assigned", "t-1", "w1", version=2)
    await publish(nats_url, no_robot)
    [skipped] = await eventually(lambda: notifications(ctx.db, channel="wecom", event_id=no_robot.id))
    assert (skipped["status"], skipped["reason"], skipped["address"]) == ("skipped", "community.no_wecom_robot", None)

    robot = f"{peers.url}/cgi-bin/webhook/send?key=robot-key-1"
    put = await admin.put(f"/v1/communities/{COMMUNITY}/notify-settings", json={"wecom_robot_url": robot})
    assert (put.status_code, put.json()["wecom_robot_url"]) == (200, robot)
    assigned = task("assigned", "t-2", "w1", version=2, resident_name="王桂芝")
    await publish(nats_url, assigned)
    [wecom] = await eventually(lambda: notifications(ctx.db, channel="wecom", event_id=assigned.id))
    await deliver_due(ctx)  # the background worker may have taken it first: either way it goes once
    [sent] = await eventually(lambda: notifications(ctx.db, _id=wecom["_id"], status="sent"))
    assert (sent["provider"], sent["attempt_count"], sent["mention"]) == ("wecom", 1, "lihong")
    assert await deliver_due(ctx) == {}

    content = "新走访任务:王桂芝(例行走访),请于2025-03-10前完成。"
    assert peers.received["robot"] == [{"key": "robot-key-1", "json": {
        "msgtype": "text", "text": {"content": content, "mentioned_list": ["lihong"]}}}]
    logged = (await admin.get("/v1/notifications", params={"recipient": "w1", "channel": "wecom"})).json()["items"]
    assert sorted((n["status"], n["address"]) for n in logged) == [  # the robot's key never leaves in the log
        ("sent", f"{peers.url}/cgi-bin/webhook/send"), ("skipped", None)]
