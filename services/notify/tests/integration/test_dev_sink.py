"""Outside production nothing leaves by default: an SMS is logged (masked) by the dev sink, not sent."""
from __future__ import annotations

import pytest
from structlog.testing import capture_logs

from linli_devtools.asgi import eventually

from linli_notify.settings import NotifySettings

from notify_helpers import counted, notifications, publish, referral, resident


@pytest.fixture
def settings(settings, monkeypatch) -> NotifySettings:
    """The suite's settings (gateways and all) with LINLI_NOTIFY_DEV_SINK left unset, as a local run has it."""
    monkeypatch.delenv("LINLI_NOTIFY_DEV_SINK", raising=False)
    return NotifySettings(**settings.model_dump(exclude={"dev_sink"}))


async def test_the_dev_sink_logs_a_masked_sms_instead_of_calling_the_gateway(app, ctx, peers, nats_url):
    assert (ctx.settings.environment, ctx.settings.dev_sink) == ("test", True)
    # Before the redacting processor: the sink itself must mask, whatever logging is configured.
    with capture_logs() as logs:
        await publish(nats_url, resident("r-1", phone="13812345678"))
        await eventually(counted(ctx.db.residents, 1, _id="r-1"))
        await publish(nats_url, referral("ref-1", "r-1"))
        [sms] = await eventually(lambda: notifications(ctx.db, channel="sms", status="sent"))
    assert (sms["provider"], sms["address"]) == ("dev_sink", "13812345678")
    assert peers.received["sms/primary"] == [] and peers.received["sms/backup"] == []
    assert [entry for entry in logs if entry["event"] == "notify.dev_sink"] == [{
        "event": "notify.dev_sink", "log_level": "info", "channel": "sms", "notification_id": sms["_id"],
        "address": "138****5678", "body": "王秀英您好,社区已推荐您应聘海港宾馆的保洁员岗位,如有疑问请联系社区。"}]
    assert "13812345678" not in repr(logs)
