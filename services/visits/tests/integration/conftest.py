"""Registry and visits side by side on real NATS and the real store: registry events drive visits."""
from __future__ import annotations

from typing import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager

from linli_devtools.asgi import client
from linli_devtools.orgs import put_org_tree
from linli_shared.clock import Clock

from linli_registry.bootstrap import create_app as create_registry
from linli_registry.settings import RegistrySettings
from linli_visits.bootstrap import create_app as create_visits
from linli_visits.settings import VisitsSettings

from visits_helpers import DISTRICT


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def apps(mongo_url, nats_url, db_name, clock, service_env_set) -> AsyncIterator[tuple]:
    common = dict(mongo_url=mongo_url, nats_url=nats_url, environment="test", outbox_poll_seconds=0.05)
    registry = create_registry(RegistrySettings(mongo_db=f"{db_name}_r", **common))
    visits = create_visits(VisitsSettings(mongo_db=f"{db_name}_v", sweep_interval_seconds=3600, **common), clock)
    async with LifespanManager(registry, startup_timeout=60), LifespanManager(visits, startup_timeout=60):
        yield registry, visits


@pytest.fixture
async def registry(apps, make_token) -> AsyncIterator[httpx.AsyncClient]:
    async with client(apps[0], make_token(roles=["admin"], scope=[DISTRICT], perms=["pii:read"])) as c:
        await put_org_tree(c)
        yield c


@pytest.fixture
async def visits(apps, make_token) -> AsyncIterator[httpx.AsyncClient]:
    async with client(apps[1], make_token(roles=["admin"], scope=[DISTRICT], sub="admin-1")) as c:
        yield c


@pytest.fixture
def ctx(apps):
    """The visits use-case context, for running the sweep as its timer would."""
    return apps[1].state.visits
