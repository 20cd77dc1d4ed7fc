"""Fixtures for real servers: local processes by default, official images with LINLI_TEST_BACKEND=docker."""
from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import pytest

from linli_devtools.servers import MongoServer, NatsServer
from linli_shared.auth import issue_token
from linli_shared.settings import DEV_JWT_SECRET

DOCKER = os.environ.get("LINLI_TEST_BACKEND", "local") == "docker"


@dataclass
class Backend:
    mongo_url: str
    mongo: MongoServer | None  # None under docker: no restarts from tests


@pytest.fixture(scope="session")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    if DOCKER:
        from linli_devtools.containers import mongo_container

        with mongo_container() as url:
            yield Backend(url, None)
        return
    mongo = MongoServer(tmp_path_factory.mktemp("secantus")).start()
    try:
        yield Backend(mongo.url, mongo)
    finally:
        mongo.stop()


@pytest.fixture(scope="session")
def _docker_nats() -> Iterator[str | None]:
    if not DOCKER:
        yield None
        return
    from linli_devtools.containers import nats_container

    with nats_container() as url:
        yield url


@pytest.fixture
async def nats_server(tmp_path: Path, _docker_nats: str | None) -> Iterator[NatsServer | str]:
    """A NATS server of this test's own, so streams never leak between tests."""
    if _docker_nats:
        from linli_devtools.containers import delete_all_streams

        await delete_all_streams(_docker_nats)
        yield _docker_nats
        return
    server = NatsServer(tmp_path / "nats").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def nats_url(nats_server: NatsServer | str) -> str:
    return nats_server if isinstance(nats_server, str) else nats_server.url


@pytest.fixture
def mongo_url(backend: Backend) -> str:
    return backend.mongo_url


@pytest.fixture
def db_name() -> str:
    """A database of this test's own on the shared store."""
    return f"t_{uuid.uuid4().hex[:12]}"


@pytest.fixture
def service_env() -> dict[str, str]:
    """`LINLI_*` variables set before a test's apps read their settings; a test parametrizes it to change one."""
    return {}


@pytest.fixture
def service_env_set(service_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in service_env.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def make_token() -> Callable[..., str]:
    def make(roles=("admin",), scope=("130303",), perms=(), sub="staff-test", ttl=3600) -> str:
        return issue_token(DEV_JWT_SECRET, sub, roles, scope, perms, ttl_seconds=ttl)
    return make
