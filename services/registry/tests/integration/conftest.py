"""A registry app on real NATS and the real store, driven through its HTTP API."""
from __future__ import annotations

from typing import AsyncIterator, Callable

import httpx
import pytest
from asgi_lifespan import LifespanManager

from linli_devtools.orgs import put_org_tree

from linli_registry.bootstrap import create_app
from linli_registry.settings import RegistrySettings

from registry_helpers import COMMUNITY, DISTRICT


@pytest.fixture
def settings(mongo_url: str, nats_url: str, db_name: str, service_env_set: None) -> RegistrySettings:
    return RegistrySettings(mongo_url=mongo_url, mongo_db=db_name, nats_url=nats_url, environment="test",
                            outbox_poll_seconds=0.1)


@pytest.fixture
async def app(settings: RegistrySettings):
    application = create_app(settings)
    async with LifespanManager(application, startup_timeout=60, shutdown_timeout=30):
        yield application


@pytest.fixture
async def client_for(app) -> AsyncIterator[Callable[..., httpx.AsyncClient]]:
    clients: list[httpx.AsyncClient] = []

    def make(token: str | None) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://registry",
                                   headers=headers)
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


@pytest.fixture
async def admin(client_for, make_token) -> AsyncIterator[httpx.AsyncClient]:
    """A district admin who may read PII, with the org tree of two communities in place."""
    client = client_for(make_token(roles=["admin"], scope=[DISTRICT], perms=["pii:read"]))
    await put_org_tree(client, extra=[(f"{COMMUNITY}-03", "第三网格")])
    yield client
