"""The official `mongo` and `nats` images through testcontainers (only with LINLI_TEST_BACKEND=docker)."""
from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Iterator

import nats
from pymongo import MongoClient
from pymongo.errors import PyMongoError

MONGO_IMAGE = "mongo:8.0"
NATS_IMAGE = "nats:2.11"


@contextmanager
def mongo_container() -> Iterator[str]:
    from testcontainers.core.container import DockerContainer

    # A one-node replica set: transactions need one, as in production.
    with DockerContainer(MONGO_IMAGE).with_command("--replSet rs0 --bind_ip_all").with_exposed_ports(27017) as c:
        url = f"mongodb://{c.get_container_host_ip()}:{c.get_exposed_port(27017)}/?directConnection=true"
        _initiate_replica_set(url)
        yield url


def _initiate_replica_set(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    with MongoClient(url, serverSelectionTimeoutMS=2000) as client:
        while True:
            try:
                client.admin.command("replSetInitiate",
                                     {"_id": "rs0", "members": [{"_id": 0, "host": "localhost:27017"}]})
            except PyMongoError as exc:
                if "already initialized" not in str(exc) and time.monotonic() > deadline:
                    raise
            try:
                if client.admin.command("hello").get("isWritablePrimary"):
                    return
            except PyMongoError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("mongo replica set did not become primary")
            time.sleep(0.5)


@contextmanager
def nats_container() -> Iterator[str]:
    from testcontainers.core.container import DockerContainer
    from testcontainers.core.waiting_utils import wait_for_logs

    with DockerContainer(NATS_IMAGE).with_command("-js").with_exposed_ports(4222) as c:
        wait_for_logs(c, "Server is ready")
        yield f"nats://{c.get_container_host_ip()}:{c.get_exposed_port(4222)}"


async def delete_all_streams(url: str) -> None:
    nc = await nats.connect(url)
    try:
        js = nc.jetstream()
        for name in await js.streams_info():
            await js.delete_stream(name.config.name)
    finally:
        await nc.close()
