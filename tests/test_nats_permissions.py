"""The deployment's NATS users (deploy/nats/nats.conf): each user owns its subjects, consumers, dead letters and
inbox, and every attack an outside subscriber or a neighbouring service could try on the rest is refused."""
from __future__ import annotations

import asyncio
import importlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import nats
import pytest
from asgi_lifespan import LifespanManager
from nats.aio.client import Client
from nats.js.api import AckPolicy, ConsumerConfig, StreamConfig

from linli_devtools import nats_auth
from linli_devtools.asgi import client
from linli_devtools.paths import REPO_ROOT
from linli_devtools.servers import NatsServer
from linli_shared.bus import Bus, StreamSpec, dead_letter_stream, service_stream
from linli_shared.consumer import ConsumerRunner
from linli_shared.deadletters import list_dead_letters
from linli_shared.runtime import ServiceRuntime
from linli_shared.settings import ServiceSettings

from linli_registry.bootstrap import create_app
from linli_registry.settings import RegistrySettings

pytestmark = pytest.mark.skipif(os.environ.get("LINLI_TEST_BACKEND") == "docker", reason="starts its own NATS")
REFUSED = 0.5  # seconds to wait for an answer the server will never send
EVENT = "linli.registry.resident.registered.v1.130303001001"


@pytest.fixture
def secured_nats(tmp_path: Path):
    server = NatsServer(tmp_path / "nats", config=nats_auth.NATS_CONFIG, config_env=nats_auth.server_env()).start()
    yield server
    server.stop()


class User:
    """One NATS user's connection, with the permission violations the server reported to it."""

    def __init__(self, nc: Client, violations: list[str]) -> None:
        self.nc, self.js, self.violations = nc, nc.jetstream(), violations

    async def refused(self, attempt: Any, subject: str) -> None:
        """The server names the subject it refused, and the request has had no answer."""
        task = asyncio.ensure_future(attempt)
        try:
            await self.told_off(subject)
            assert not task.done() or task.exception() is not None, f"{subject} was answered: {task.result()}"
            assert not isinstance(task.done() and task.exception(), nats.js.errors.APIError), task.exception()
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def told_off(self, subject: str) -> None:
        for _ in range(20):
            if any(subject.lower() in violation for violation in self.violations):
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"no permissions violation for {subject}: {self.violations}")


async def _as(server: NatsServer, user: str) -> User:
    violations: list[str] = []

    async def on_error(exc: Exception) -> None:
        if "permissions violation" in str(exc).lower():
            violations.append(str(exc).lower())
    nc = await nats.connect(server.url, error_cb=on_error, **nats_auth.connect_options(user))
    return User(nc, violations)


@pytest.fixture
async def users(secured_nats):
    connected = {user: await _as(secured_nats, user) for user in nats_auth.USERS}
    yield connected
    for user in connected.values():
        await user.nc.close()


def _consumer(name: str, subject: str = "linli.registry.resident.>") -> ConsumerConfig:
    return ConsumerConfig(name=name, durable_name=name, ack_policy=AckPolicy.EXPLICIT, filter_subjects=[subject])


@pytest.fixture
async def world(users):
    """The registry's stream with one event and one dead letter; visits' and notify's consumers on it."""
    registry = users["registry"]
    await registry.js.add_stream(service_stream("registry").config())
    await registry.js.add_stream(dead_letter_stream("registry").config())
    await registry.js.publish(EVENT, b"{}")
    await registry.js.publish("linli.deadletter.registry.registry-x-v1", b'{"phone": "13812345678"}')
    await users["visits"].js.add_consumer("REGISTRY", _consumer("visits-registry-v1"))
    await users["notify"].js.add_consumer("REGISTRY", _consumer("notify-registry-v1"))
    return users


async def _pending(users, durable: str) -> tuple[int, int]:
    info = await users[durable.split("-")[0]].js.consumer_info("REGISTRY", durable)
    return info.num_pending, info.num_ack_pending


async def _dead_letters(users) -> int:
    return (await users["registry"].js.stream_info("DEADLETTER_REGISTRY")).state.messages


async def test_a_service_runs_as_its_own_user_and_an_outside_subscriber_reads_through_its_own_consumer(
        secured_nats, mongo_url, db_name, make_token):
    settings = RegistrySettings(mongo_url=mongo_url, mongo_db=db_name, nats_url=secured_nats.url, environment="test",
                                nats_user="registry", nats_password=nats_auth.dev_password("registry"))
    app = create_app(settings)
    async with LifespanManager(app, startup_timeout=60), client(app, make_token(scope=["130303"])) as registry:
        assert (await registry.put("/v1/orgs/130303", json={"name": "海港区"})).status_code == 200
        seen = await _example_subscriber(secured_nats, "reader", "--subject", "linli.registry.>", "--limit", "1")
        ready = (await registry.get("/readyz")).json()
    assert [(event["type"], event["subject"]) for event in seen] == [("linli.registry.org.upserted.v1", "130303")]
    assert ready["status"] == "ready"


async def _example_subscriber(server: NatsServer, user: str, *args: str) -> list[dict[str, Any]]:
    url = server.url.replace("nats://", f"nats://{user}:{nats_auth.dev_password(user)}@")
    command = [sys.executable, str(REPO_ROOT / "docs" / "examples" / "subscribe.py"), "--url", url, *args]
    result = await asyncio.to_thread(subprocess.run, command, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


async def test_every_service_consumer_is_granted_to_its_owner_by_name_and_to_no_one_else():
    # nats.conf spells each consumer out (NATS wildcards match whole tokens): the same names as subscriptions.py
    granted = _granted_consumers(nats_auth.NATS_CONFIG.read_text())
    assert granted == {user: _durables(user) for user in nats_auth.USERS if user != "reader"} | {
        "reader": {("REGISTRY", "ext-example-v1")}, nats_auth.OPS: set()}
    assert all(name.startswith(f"{user}-") for user, names in granted.items() if user != "reader"
               for _, name in names)
    assert all(name.startswith("ext-") for _, name in granted["reader"])


def _granted_consumers(config: str) -> dict[str, set[tuple[str, str]]]:
    blocks = re.split(r"\{ user: (\w+),", config)[1:]
    return {user: set(re.findall(r'"\$JS\.API\.CONSUMER\.CREATE\.(\w+)\.([\w-]+)"', block))
            for user, block in zip(blocks[::2], blocks[1::2], strict=True)}


def _durables(service: str) -> set[tuple[str, str]]:
    if service == "registry":
        return set()
    return {(subscription.stream, subscription.durable) for subscription in _runtime(service).subscriptions}


def _runtime(service: str) -> ServiceRuntime:
    """A service's runtime as its composition root builds it, never started: no server is touched."""
    return importlib.import_module(f"linli_{service}.bootstrap").create_app().state.runtime


async def test_every_service_runs_each_of_its_consumers_and_dead_letters_as_itself(secured_nats):
    """The services' real subscriptions, run as their owners: create, pull, dead-letter, term, list the letters."""
    producers = {service: await _as(secured_nats, service) for service in ("registry", "visits", "employment")}
    buses: dict[str, Bus] = {}
    runners: list[ConsumerRunner] = []
    try:
        for service, producer in producers.items():
            await producer.js.add_stream(service_stream(service).config())
        for service in ("visits", "employment", "notify", "reports"):
            buses[service] = bus = await Bus.connect(ServiceSettings(
                service_name=service, nats_url=secured_nats.url, nats_user=service,
                nats_password=nats_auth.dev_password(service)))
            await bus.ensure_stream(dead_letter_stream(service))
            runtime = _runtime(service)
            for subscription in runtime.subscriptions:  # one message it cannot parse on each consumer's stream
                await producers[subscription.stream.lower()].js.publish(
                    f"{next(iter(subscription.handlers))}.130303001001", b"not an event")
                runners.append(ConsumerRunner(bus, runtime.uow, subscription, service))
        await asyncio.gather(*(runner.start() for runner in runners))
        letters = await _until_dead_lettered(buses, len(runners))
        states = [await buses[runner.service].js.consumer_info(runner.subscription.stream, runner.durable)
                  for runner in runners]
    finally:
        await asyncio.gather(*(runner.stop() for runner in runners))
        for bus in buses.values():
            await bus.close()
        for producer in producers.values():
            await producer.nc.close()

    assert letters == {(runner.service, runner.durable) for runner in runners}
    assert [(state.num_pending, state.num_ack_pending) for state in states] == [(0, 0)] * len(runners)


async def _until_dead_lettered(buses: dict[str, Bus], expected: int) -> set[tuple[str, str]]:
    """Which consumers have dead-lettered, once each has (a bad event may reach several consumers)."""
    for _ in range(100):
        letters = {(service, letter.consumer) for service, bus in buses.items()
                   for letter in await list_dead_letters(bus, service)}
        if len(letters) >= expected:
            return letters
        await asyncio.sleep(0.1)
    raise AssertionError(f"only {letters} dead-lettered")


async def test_the_reader_cannot_pull_ack_delete_or_reconfigure_a_services_consumer(world):
    reader, visits = world["reader"], world["visits"]
    stolen = await reader.js.pull_subscribe_bind("visits-registry-v1", stream="REGISTRY")
    await reader.refused(stolen.fetch(1, timeout=REFUSED), "$JS.API.CONSUMER.MSG.NEXT.REGISTRY.visits-registry-v1")
    [delivered] = await (await visits.js.pull_subscribe_bind("visits-registry-v1", stream="REGISTRY")).fetch(1)
    await reader.nc.publish(delivered.reply, b"+ACK")  # acking visits' message in its place
    await reader.told_off(delivered.reply)
    await reader.refused(reader.js.delete_consumer("REGISTRY", "visits-registry-v1"),
                         "$JS.API.CONSUMER.DELETE.REGISTRY.visits-registry-v1")
    # The legacy "ephemeral" create takes the name in its body and would reconfigure visits' consumer.
    hijack = {"stream_name": "REGISTRY", "config": {"name": "visits-registry-v1", "ack_policy": "explicit",
                                                    "filter_subjects": ["linli.>"]}}
    await reader.refused(reader.nc.request("$JS.API.CONSUMER.CREATE.REGISTRY", json.dumps(hijack).encode(),
                                           timeout=REFUSED), "$JS.API.CONSUMER.CREATE.REGISTRY")

    assert await _pending(world, "visits-registry-v1") == (0, 1)  # still visits' own, unacked
    info = await visits.js.consumer_info("REGISTRY", "visits-registry-v1")
    assert info.config.filter_subjects == ["linli.registry.resident.>"]


async def test_the_reader_creates_only_consumers_named_for_it(world):
    reader = world["reader"]
    for name in ("health-platform-v1", "visits-registry-v2", "registry-audit-v1"):
        await reader.refused(reader.js.add_consumer("REGISTRY", _consumer(name)),
                             f"$JS.API.CONSUMER.CREATE.REGISTRY.{name}")
    await reader.refused(reader.js.add_consumer("REGISTRY", _consumer("ext-other-v1")),
                         "$JS.API.CONSUMER.CREATE.REGISTRY.ext-other-v1")
    info = await reader.js.add_consumer("REGISTRY", _consumer("ext-example-v1"))  # its own: granted
    assert info.name == "ext-example-v1"


async def test_the_reader_reads_no_dead_letter(world):
    reader = world["reader"]
    await reader.refused(reader.js.get_msg("DEADLETTER_REGISTRY", seq=1), "$JS.API.STREAM.MSG.GET.DEADLETTER_REGISTRY")
    await reader.refused(reader.js.get_msg("DEADLETTER_REGISTRY", subject="linli.deadletter.registry.registry-x-v1",
                                           direct=True),
                         "$JS.API.DIRECT.GET.DEADLETTER_REGISTRY.linli.deadletter.registry.registry-x-v1")
    await reader.refused(reader.js.add_consumer("DEADLETTER_REGISTRY", _consumer("ext-example-v1", ">")),
                         "$JS.API.CONSUMER.CREATE.DEADLETTER_REGISTRY.ext-example-v1")
    await reader.nc.subscribe("linli.deadletter.>")
    await reader.told_off('subscription to "linli.deadletter.>"')
    await reader.refused(reader.js.stream_info("DEADLETTER_REGISTRY"), "$JS.API.STREAM.INFO.DEADLETTER_REGISTRY")


async def test_no_user_hears_replies_meant_for_another(world):
    reader, visits = world["reader"], world["visits"]
    for inbox in ("_INBOX.>", "_INBOX_visits.>", "_INBOX_registry.>"):
        await reader.nc.subscribe(inbox)
        await reader.told_off(f'subscription to "{inbox}"')
    await visits.nc.subscribe("_INBOX_reader.>")
    await visits.told_off('subscription to "_inbox_reader.>"')
    # and each still gets its own replies
    assert (await visits.js.consumer_info("REGISTRY", "visits-registry-v1")).name == "visits-registry-v1"


async def test_a_service_can_neither_read_delete_nor_shrink_another_services_dead_letters(world):
    notify = world["notify"]
    await notify.refused(notify.js.get_msg("DEADLETTER_REGISTRY", seq=1), "$JS.API.STREAM.MSG.GET.DEADLETTER_REGISTRY")
    await notify.refused(notify.js.delete_msg("DEADLETTER_REGISTRY", 1),
                         "$JS.API.STREAM.MSG.DELETE.DEADLETTER_REGISTRY")
    shrunk = StreamConfig(name="DEADLETTER_REGISTRY", subjects=["linli.deadletter.registry.>"], max_msgs=0)
    await notify.refused(notify.js.update_stream(shrunk), "$JS.API.STREAM.UPDATE.DEADLETTER_REGISTRY")
    await notify.refused(notify.js.purge_stream("DEADLETTER_REGISTRY"), "$JS.API.STREAM.PURGE.DEADLETTER_REGISTRY")
    await notify.refused(notify.js.delete_stream("DEADLETTER_REGISTRY"), "$JS.API.STREAM.DELETE.DEADLETTER_REGISTRY")
    # nor the shared stream of before, should an old store still have it
    await notify.refused(notify.js.update_stream(StreamConfig(name="DEADLETTER", subjects=["linli.deadletter.>"])),
                         "$JS.API.STREAM.UPDATE.DEADLETTER")
    await notify.nc.publish("linli.deadletter.registry.notify-forged-v1", b"{}")  # a letter in the registry's name
    await notify.told_off("linli.deadletter.registry.notify-forged-v1")

    assert await _dead_letters(world) == 1


async def test_a_service_cannot_use_or_delete_another_services_consumer(world):
    visits = world["visits"]
    await visits.refused(visits.js.delete_consumer("REGISTRY", "notify-registry-v1"),
                         "$JS.API.CONSUMER.DELETE.REGISTRY.notify-registry-v1")
    stolen = await visits.js.pull_subscribe_bind("notify-registry-v1", stream="REGISTRY")
    await visits.refused(stolen.fetch(1, timeout=REFUSED), "$JS.API.CONSUMER.MSG.NEXT.REGISTRY.notify-registry-v1")

    assert await _pending(world, "notify-registry-v1") == (1, 0)
    assert await visits.js.delete_consumer("REGISTRY", "visits-registry-v1")  # its own: an operator's rebuild


async def test_publishing_outside_its_own_subjects_is_refused(secured_nats):
    registry, visits = await _as(secured_nats, "registry"), await _as(secured_nats, "visits")
    try:
        await registry.js.add_stream(StreamSpec("REGISTRY", ("linli.registry.>",)).config())
        ack = await registry.js.publish("linli.registry.org.upserted.v1.130303", b"{}")
        assert ack.seq == 1
        with pytest.raises((nats.errors.TimeoutError, nats.js.errors.NoStreamResponseError)):
            await visits.js.publish("linli.registry.org.upserted.v1.130303", b"{}", timeout=1)
        await visits.refused(visits.js.delete_stream("REGISTRY"), "$JS.API.STREAM.DELETE.REGISTRY")
        await visits.told_off("linli.registry.org.upserted.v1.130303")
        assert (await registry.js.stream_info("REGISTRY")).state.messages == 1
    finally:
        await registry.nc.close()
        await visits.nc.close()
