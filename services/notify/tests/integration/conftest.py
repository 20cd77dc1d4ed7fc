"""Notify on real NATS and the real store, with real peers on loopback; source events published onto NATS."""
from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager

from linli_devtools.asgi import client
from linli_shared.bus import Bus, service_stream
from linli_shared.clock import Clock
from linli_shared.settings import ServiceSettings

from linli_notify.bootstrap import create_app
from linli_notify.settings import NotifySettings

from notify_helpers import DISTRICT, set_local
from notify_peers import Peers, start_http, start_smtp


@pytest.fixture
def clock() -> Clock:
    clock = Clock()
    set_local(clock, 10)  # office hours unless a test moves it
    return clock


@pytest.fixture
async def peers(clock) -> AsyncIterator[Peers]:
    peers = Peers(lambda: int(clock.now().timestamp()))
    server, task = await start_http(peers)
    controller, mailbox = start_smtp()
    peers.mailbox, peers.smtp_port = mailbox, controller.port
    try:
        yield peers
    finally:
        controller.stop()
        server.should_exit = True
        await task


@pytest.fixture
async def streams(nats_url: str) -> None:
    bus = await Bus.connect(ServiceSettings(nats_url=nats_url))
    try:
        for service in ("registry", "visits", "employment"):
            await bus.ensure_stream(service_stream(service))
    finally:
        await bus.close()


@pytest.fixture
def settings(mongo_url, nats_url, db_name, peers) -> NotifySettings:
    return NotifySettings(
        mongo_url=mongo_url, nats_url=nats_url, mongo_db=db_name, environment="test", outbox_poll_seconds=0.05,
        dev_sink=False, sms_primary_url=f"{peers.url}/sms/primary", sms_backup_url=f"{peers.url}/sms/backup",
        sms_api_key="test-gateway-key", sms_failover_threshold=2, sms_probe_after_seconds=3600,
        smtp_port=peers.smtp_port,
        delivery_poll_seconds=0.05, send_timeout_seconds=1.0, backoff_seconds=(60.0, 300.0),
        max_attempts=3,
        digest_interval_seconds=3600)


@pytest.fixture
async def app(settings, clock, streams):
    application = create_app(settings, clock)
    async with LifespanManager(application, startup_timeout=60, shutdown_timeout=30):
        yield application


@pytest.fixture
def ctx(app):
    return app.state.notify


@pytest.fixture
async def admin(app, make_token) -> AsyncIterator[httpx.AsyncClient]:
    async with client(app, make_token(roles=["admin"], scope=[DISTRICT], sub="admin-1")) as c:
        yield c


@pytest.fixture
async def as_staff(app, make_token):
    """A client acting as one staff member (their inbox is theirs)."""
    opened: list[httpx.AsyncClient] = []

    def make(sub: str, roles=("worker",)) -> httpx.AsyncClient:
        opened.append(client(app, make_token(roles=list(roles), scope=[DISTRICT], sub=sub)))
        return opened[-1]

    yield make
    for c in opened:
        await c.aclose()
