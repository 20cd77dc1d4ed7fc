"""The deployment's NATS users (deploy/nats/nats.conf): each service publishes only its own subjects."""
from __future__ import annotations

import asyncio
import os
from pathlib import Path

import nats
import pytest
from asgi_lifespan import LifespanManager

from linli_devtools import nats_auth
from linli_devtools.asgi import client
from linli_devtools.servers import NatsServer
from linli_devtools.streams import read_stream
from linli_shared.bus import StreamSpec

from linli_registry.bootstrap import create_app
from linli_registry.settings import RegistrySettings

pytestmark = pytest.mark.skipif(os.environ.get("LINLI_TEST_BACKEND") == "docker", reason="starts its own NATS")


@pytest.fixture
def secured_nats(tmp_path: Path):
    server = NatsServer(tmp_path / "nats", config=nats_auth.NATS_CONFIG, config_env=nats_auth.server_env()).start()
    yield server
    server.stop()


async def _connect(server: NatsServer, user: str, errors: list[Exception]):
    async def on_error(exc: Exception) -> None:
        errors.append(exc)
    return await nats.connect(server.url, user=user, password=nats_auth.dev_password(user), error_cb=on_error)


async def test_a_service_runs_as_its_own_user(secured_nats, mongo_url, db_name, make_token):
    settings = RegistrySettings(mongo_url=mongo_url, mongo_db=db_name, nats_url=secured_nats.url, environment="test",
                                nats_user="registry", nats_password=nats_auth.dev_password("registry"))
    app = create_app(settings)
    async with LifespanManager(app, startup_timeout=60), client(app, make_token(scope=["130303"])) as registry:
        assert (await registry.put("/v1/orgs/130303", json={"name": "海港区"})).status_code == 200
        messages = await _read_as(secured_nats, "reader")  # an outside subscriber, as its own user
        ready = (await registry.get("/readyz")).json()
    assert [m.subject for m in messages] == ["linli.registry.org.upserted.v1.130303"]
    assert ready["status"] == "ready"


async def _read_as(server: NatsServer, user: str):
    url = server.url.replace("nats://", f"nats://{user}:{nats_auth.dev_password(user)}@")
    return await read_stream(url, expected=1, timeout=5)


async def test_publishing_outside_its_own_subjects_is_refused(secured_nats):
    errors: list[Exception] = []
    registry = await _connect(secured_nats, "registry", errors)
    visits = await _connect(secured_nats, "visits", errors)
    try:
        await registry.jetstream().add_stream(StreamSpec("REGISTRY", ("linli.registry.>",)).config())
        ack = await registry.jetstream().publish("linli.registry.org.upserted.v1.130303", b"{}")
        assert ack.seq == 1
        with pytest.raises((nats.errors.TimeoutError, nats.js.errors.NoStreamResponseError)):
            await visits.jetstream().publish("linli.registry.org.upserted.v1.130303", b"{}", timeout=1)
        with pytest.raises((nats.errors.TimeoutError, nats.js.errors.APIError)):
            await visits.jetstream().delete_stream("REGISTRY")
        await asyncio.sleep(0.2)
    finally:
        await registry.close()
        await visits.close()
    assert any("permissions violation" in str(e).lower() for e in errors)
    info = await _stream_info(secured_nats)
    assert info.state.messages == 1


async def _stream_info(server: NatsServer):
    nc = await nats.connect(server.url, user="registry", password=nats_auth.dev_password("registry"))
    try:
        return await nc.jetstream().stream_info("REGISTRY")
    finally:
        await nc.close()
