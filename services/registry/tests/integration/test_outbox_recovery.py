"""No accepted write is lost and none is published twice: crashes around the outbox, a NATS restart."""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from datetime import date

import httpx
import pytest

from linli_devtools.servers import free_port
from linli_devtools.streams import read_stream
from linli_shared.bus import Bus
from linli_shared.lease import Lease
from linli_shared.outbox import OutboxRelay

from registry_helpers import COMMUNITY, DISTRICT, STREET, id_number


def _start_registry(settings, port: int, run_workers: bool) -> subprocess.Popen:
    env = {**os.environ, "LINLI_MONGO_URL": settings.mongo_url, "LINLI_REGISTRY_MONGO_DB": settings.mongo_db,
           "LINLI_NATS_URL": settings.nats_url, "LINLI_REGISTRY_PORT": str(port), "LINLI_ENVIRONMENT": "test",
           "LINLI_RUN_WORKERS": str(run_workers).lower(), "LINLI_OUTBOX_POLL_SECONDS": "0.1"}
    return subprocess.Popen([sys.executable, "-m", "linli_registry.main"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def _wait_ready(url: str, timeout: float = 30.0) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(int(timeout / 0.1)):
            try:
                if (await client.get(f"{url}/readyz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    raise TimeoutError(f"{url} not ready")


async def test_killed_after_commit_before_publish_publishes_exactly_once_after_restart(settings, make_token):
    port = free_port()
    url, headers = f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {make_token(scope=[DISTRICT])}"}
    proc = _start_registry(settings, port, run_workers=False)  # commits, but nothing publishes
    try:
        await _wait_ready(url)
        async with httpx.AsyncClient(base_url=url, headers=headers) as client:
            for code in (DISTRICT, STREET, COMMUNITY):
                assert (await client.put(f"/v1/orgs/{code}", json={"name": code})).status_code == 200
            for i in range(5):
                body = {"name": f"居民{i}", "id_number": id_number(date(1950 + i, 1, 1))}
                assert (await client.post(f"/v1/communities/{COMMUNITY}/residents", json=body)).status_code == 201
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert await read_stream(settings.nats_url, expected=0, timeout=0.5) == []
    proc = _start_registry(settings, port, run_workers=True)
    try:
        await _wait_ready(url)
        messages = await read_stream(settings.nats_url, expected=8)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert len(messages) == 8
    assert len({m.headers["Nats-Msg-Id"] for m in messages}) == 8


async def test_crash_between_ack_and_mark_is_deduplicated_by_jetstream(app, admin, settings):
    runtime = app.state.runtime
    await admin.post(f"/v1/communities/{COMMUNITY}/households", json={"address": {"estate": "工农里"}})
    await read_stream(settings.nats_url, expected=6)  # the relay has sent everything so far
    entry = await runtime.outbox.collection.find_one({"type": "linli.registry.household.registered.v1"})
    crashed = runtime._tasks.pop("outbox_relay")  # the service's relay dies, so only ours sends below
    crashed.cancel()
    await asyncio.gather(crashed, return_exceptions=True)
    await runtime.outbox.collection.update_one({"_id": entry["_id"]}, {"$set": {"state": "pending"}})
    bus = await Bus.connect(settings)
    try:
        relay = OutboxRelay(runtime.outbox, bus, Lease(runtime.db, "test-relay", "test"), "registry")
        assert await relay.publish_pending() == 1  # the entry went out again ...
    finally:
        await bus.close()
        runtime.start_relay()
    messages = await read_stream(settings.nats_url, expected=6)
    assert len(messages) == 6  # ... and JetStream dropped the copy by its Nats-Msg-Id
    assert (await runtime.outbox.collection.find_one({"_id": entry["_id"]}))["state"] == "sent"


@pytest.mark.skipif(os.environ.get("LINLI_TEST_BACKEND") == "docker", reason="restarts the local NATS process")
async def test_writes_continue_through_a_nats_restart_and_nothing_is_lost(app, admin, nats_server, settings):
    async def register(i: int) -> None:
        body = {"name": f"居民{i}", "id_number": id_number(date(1960, 1, 1 + i % 28))}
        response = await admin.post(f"/v1/communities/{COMMUNITY}/residents", json=body)
        assert response.status_code == 201, response.text

    for i in range(5):
        await register(i)
    nats_server.stop()
    for i in range(5, 15):  # accepted while the bus is down
        await register(i)
    ready = await admin.get("/readyz")
    assert ready.status_code == 503 and ready.json()["checks"]["nats"] == "down"
    nats_server.start()
    for i in range(15, 20):
        await register(i)
    messages = await read_stream(settings.nats_url, expected=25, timeout=30)
    types = [m.subject.split(".")[2] for m in messages]
    assert (len(messages), types.count("resident")) == (25, 20)


async def test_ops_can_republish_the_outbox_after_jetstream_lost_events(app, admin, settings):
    """The OS crashed and JetStream lost what it had acknowledged: the outbox still has it."""
    from datetime import UTC, datetime, timedelta

    import nats

    from linli_shared.outbox_cli import republish, status

    runtime = app.state.runtime
    since = datetime.now(UTC) - timedelta(minutes=5)
    await admin.post(f"/v1/communities/{COMMUNITY}/households", json={"address": {"estate": "工农里"}})
    assert len(await read_stream(settings.nats_url, expected=6)) == 6
    nc = await nats.connect(settings.nats_url)
    await nc.jetstream().purge_stream("REGISTRY")  # what the crash did
    await nc.close()
    assert await republish(runtime.db, since) == 6
    messages = await read_stream(settings.nats_url, expected=6)
    assert len(messages) == 6 and (await status(runtime.db))["pending"] == 0
