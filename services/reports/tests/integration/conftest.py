"""Registry and reports side by side on real NATS and the real store; visits and employment events are
published onto their streams as those services' relays would."""
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
from linli_reports.bootstrap import create_app as create_reports
from linli_reports.settings import ReportsSettings

from reports_helpers import COMMUNITY, DISTRICT, STREET


@pytest.fixture
async def apps(mongo_url, nats_url, db_name, service_env_set) -> AsyncIterator[tuple]:
    common = dict(mongo_url=mongo_url, nats_url=nats_url, environment="test", outbox_poll_seconds=0.05)
    registry = create_registry(RegistrySettings(mongo_db=f"{db_name}_r", **common))
    reports = create_reports(ReportsSettings(mongo_db=f"{db_name}_rep", **common), Clock())
    async with LifespanManager(registry, startup_timeout=60), LifespanManager(reports, startup_timeout=60):
        yield registry, reports


@pytest.fixture
async def registry(apps, make_token) -> AsyncIterator[httpx.AsyncClient]:
    async with client(apps[0], make_token(roles=["admin"], scope=[DISTRICT], perms=["pii:read"])) as c:
        await put_org_tree(c)
        yield c


def _reports_client(apps, make_token, scope: str, sub: str, roles=("admin",)):
    return client(apps[1], make_token(roles=list(roles), scope=[scope], sub=sub))


@pytest.fixture
async def district(apps, make_token) -> AsyncIterator[httpx.AsyncClient]:
    async with _reports_client(apps, make_token, DISTRICT, "district-admin") as c:
        yield c


@pytest.fixture
async def street(apps, make_token) -> AsyncIterator[httpx.AsyncClient]:
    async with _reports_client(apps, make_token, STREET, "street-admin") as c:
        yield c


@pytest.fixture
async def community(apps, make_token) -> AsyncIterator[httpx.AsyncClient]:
    async with _reports_client(apps, make_token, COMMUNITY, "community-admin") as c:
        yield c


@pytest.fixture
async def officer(apps, make_token) -> AsyncIterator[httpx.AsyncClient]:
    async with _reports_client(apps, make_token, STREET, "street-officer", roles=("officer",)) as c:
        yield c


@pytest.fixture
def store(apps):
    return apps[1].state.reports.db
