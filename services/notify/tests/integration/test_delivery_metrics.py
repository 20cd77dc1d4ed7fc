"""What ops graph for notify: delivery outcomes by channel and status, and which build is running."""
from __future__ import annotations

import re

from prometheus_client import REGISTRY

from linli_devtools.asgi import eventually

from notify_helpers import counted, notifications, publish, staff, task


def _deliveries(channel: str, status: str) -> float:
    return REGISTRY.get_sample_value("linli_notify_deliveries_total", {"channel": channel, "status": status}) or 0


async def test_a_sent_email_is_counted_by_channel_and_status(app, ctx, admin, peers, nats_url):
    before = _deliveries("email", "sent")
    await publish(nats_url, staff("w1", email="w1@example.org"))
    await eventually(counted(ctx.db.staff, 1))
    put = await admin.put("/v1/recipients/w1/preferences", json={"channels": ["inbox", "email"]})
    assert put.status_code == 200, put.text
    await publish(nats_url, task("assigned", "t-1", "w1", version=2))
    await eventually(lambda: notifications(ctx.db, channel="email", status="sent"))

    async def counted_once() -> bool:  # counted just after the record commits
        return _deliveries("email", "sent") == before + 1
    assert await eventually(counted_once, timeout=5)


async def test_metrics_name_the_running_build(app, admin):
    scraped = (await admin.get("/metrics")).text
    assert re.search(r'^linli_build_info\{service="notify",version="\d[^"]*"\} 1\.0$', scraped, re.M), scraped[:500]
