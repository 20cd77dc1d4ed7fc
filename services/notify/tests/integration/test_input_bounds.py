"""Every text and list a caller sends is bounded: an oversize value is a 422 naming the field, and nothing changes."""
from __future__ import annotations

from linli_devtools.asgi import eventually
from linli_devtools.problems import assert_refused

from notify_helpers import counted, publish, staff

HUGE = "x" * 400_000
COMMUNITY = "130303001001"


async def stored(ctx) -> dict[str, int]:
    return {name: await ctx.db[name].count_documents({})
            for name in ("preferences", "community_settings", "webhooks", "templates")}


async def test_oversize_preferences_are_a_422_naming_the_field_and_change_nothing(ctx, admin, nats_url):
    await publish(nats_url, staff("w1"))
    await eventually(counted(ctx.db.staff, 1))
    cases = [
        ({"channels": ["inbox"] * 51}, ["channels"]),
        ({"opt_outs": ["task_assigned"] * 51}, ["opt_outs"]),
        ({"opt_outs": [HUGE]}, ["opt_outs", 0]),
        ({"quiet_hours": {"start": HUGE, "end": "08:00"}}, ["quiet_hours", "start"]),
    ]
    before = await stored(ctx)
    for body, field in cases:
        assert_refused(await admin.put("/v1/recipients/w1/preferences", json=body), field)
    assert await stored(ctx) == before


async def test_oversize_community_settings_webhooks_and_templates_are_a_422_and_change_nothing(ctx, admin):
    settings_url = f"/v1/communities/{COMMUNITY}/notify-settings"
    cases = [
        (settings_url, {"rules": {"task_assigned": {"channels": ["sms"] * 6}}}, ["rules", "task_assigned", "channels"]),
        (settings_url, {"wecom_robot_url": f"https://{HUGE}"}, ["wecom_robot_url"]),
        ("/v1/webhooks", {"org_code": COMMUNITY, "url": "https://hooks.example/h",
                          "event_types": ["linli.visits.task.overdue.v1"] * 51}, ["event_types"]),
        ("/v1/orgs/130303/templates/task_assigned.inbox", {"body": HUGE}, ["body"]),
    ]
    before = await stored(ctx)
    for url, body, field in cases:
        send = admin.post if url == "/v1/webhooks" else admin.put
        assert_refused(await send(url, json=body), field)
    assert await stored(ctx) == before
