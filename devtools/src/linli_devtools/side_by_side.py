"""The registry beside the service under test, on real NATS and the real store: fixtures for a service's conftest.

A conftest names them, e.g. `apps = registry_beside(create_app, VisitsSettings, "v")`, `registry =
registry_admin(perms=[...])` and a `service_client(...)` per caller it needs.
"""
from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from linli_devtools.asgi import client
from linli_devtools.orgs import DISTRICT, put_org_tree
from linli_shared.clock import Clock

from linli_registry.bootstrap import create_app as create_registry
from linli_registry.settings import RegistrySettings


@pytest.fixture
def clock() -> Clock:
    """The service's clock, for a test to move."""
    return Clock()


def registry_beside(create_app: Callable[..., FastAPI], settings: Callable[..., Any], database: str, **options):
    """A fixture: (registry, the service under test), both started, each on its own database."""
    @pytest.fixture
    async def apps(mongo_url, nats_url, db_name, clock, service_env_set) -> AsyncIterator[tuple[FastAPI, FastAPI]]:
        common = dict(mongo_url=mongo_url, nats_url=nats_url, environment="test", outbox_poll_seconds=0.05)
        registry = create_registry(RegistrySettings(mongo_db=f"{db_name}_r", **common))
        app = create_app(settings(mongo_db=f"{db_name}_{database}", **options, **common), clock)
        async with LifespanManager(registry, startup_timeout=60), LifespanManager(app, startup_timeout=60):
            yield registry, app

    return apps


def registry_admin(perms: list[str]):
    """A fixture: the registry's district admin with `perms`, after putting the org tree every test starts from."""
    @pytest.fixture
    async def registry(apps, make_token) -> AsyncIterator[httpx.AsyncClient]:
        async with client(apps[0], make_token(roles=["admin"], scope=[DISTRICT], perms=perms)) as c:
            await put_org_tree(c)
            yield c

    return registry


def service_client(roles: list[str], scope: str, sub: str):
    """A fixture: a client of the service under test for `sub`, with `roles` over `scope`."""
    @pytest.fixture
    async def service(apps, make_token) -> AsyncIterator[httpx.AsyncClient]:
        async with client(apps[1], make_token(roles=roles, scope=[scope], sub=sub)) as c:
            yield c

    return service
