"""Registry and employment side by side on real NATS and the real store: registry events make seekers."""
from __future__ import annotations

from typing import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager

from linli_devtools.asgi import client
from linli_devtools.orgs import put_org_tree
from linli_shared.clock import Clock

from linli_employment.bootstrap import create_app as create_employment
from linli_employment.settings import EmploymentSettings
from linli_registry.bootstrap import create_app as create_registry
from linli_registry.settings import RegistrySettings

from employment_helpers import COMMUNITY, DISTRICT


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def apps(mongo_url, nats_url, db_name, clock, service_env_set) -> AsyncIterator[tuple]:
    common = dict(mongo_url=mongo_url, nats_url=nats_url, environment="test", outbox_poll_seconds=0.05)
    registry = create_registry(RegistrySettings(mongo_db=f"{db_name}_r", **common))
    employment = create_employment(EmploymentSettings(mongo_db=f"{db_name}_e", follow_up_interval_seconds=3600,
                                                      **common), clock)
    async with LifespanManager(registry, startup_timeout=60), LifespanManager(employment, startup_timeout=60):
        yield registry, employment


@pytest.fixture
async def registry(apps, make_token) -> AsyncIterator[httpx.AsyncClient]:
    async with client(apps[0], make_token(roles=["admin"], scope=[DISTRICT])) as c:
        await put_org_tree(c)
        yield c


@pytest.fixture
async def employment(apps, make_token) -> AsyncIterator[httpx.AsyncClient]:
    async with client(apps[1], make_token(roles=["worker"], scope=[COMMUNITY], sub="worker-1")) as c:
        yield c


@pytest.fixture
def ctx(apps):
    return apps[1].state.employment
