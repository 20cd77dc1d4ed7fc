"""Beyond one machine, the bus side: three nats-server processes as a JetStream cluster on loopback, the producing
service's stream at replicas 3 (LINLI_STREAM_REPLICAS), the shared outbox relay writing and the shared consumer
reading, and the stream's leader killed mid-stream. Every accepted write is in the stream once, handled once,
and nothing is left pending once the node is back."""
from __future__ import annotations

import asyncio
import os
import time
from typing import Any, ClassVar

import nats
import pytest

from linli_devtools.compose import load_compose
from linli_devtools.paths import REPO_ROOT
from linli_devtools.servers import NatsServer, nats_cluster
from linli_shared.bus import Bus, own_streams
from linli_shared.consumer import ConsumerRunner
from linli_shared.events import EventData
from linli_shared.lease import Lease
from linli_shared.mongo import mongo_client
from linli_shared.outbox import Outbox, OutboxRelay, UnitOfWork
from linli_shared.settings import ServiceSettings
from linli_shared.subscriptions import Subscription

pytestmark = pytest.mark.skipif(os.environ.get("LINLI_TEST_BACKEND") == "docker", reason="starts its own NATS")
COMMUNITY = "130303001001"
DURABLE = "sink-source-v1"
WRITES_PER_PHASE = 15  # before the kill, while a node is down, after it is back


class ThingHappened(EventData):
    TYPE: ClassVar[str] = "linli.source.thing.happened.v1"
    n: int


async def eventually(predicate, timeout: float, what: str) -> None:
    """Poll until the predicate holds; a request the cluster cannot answer yet (an election) is a no."""
    deadline = time.monotonic() + timeout
    while not await _answered(predicate):
        assert time.monotonic() < deadline, f"not within {timeout}s: {what}"
        await asyncio.sleep(0.1)


async def _answered(predicate) -> bool:
    try:
        return await predicate()
    except (nats.errors.TimeoutError, nats.js.errors.ServiceUnavailableError, nats.js.errors.NoStreamResponseError):
        return False


@pytest.fixture
def cluster(tmp_path):
    nodes = nats_cluster(tmp_path)
    for node in nodes:
        node.start()
    yield nodes
    for node in nodes:
        node.stop()


async def _jetstream_up(bus: Bus) -> bool:
    await bus.js.account_info()  # answered once the cluster has a meta leader
    return True


async def _connect(settings: ServiceSettings) -> Bus:
    bus = await Bus.connect(settings)
    await eventually(lambda: _jetstream_up(bus), 20, "the JetStream cluster elects a meta leader")
    for spec in own_streams(settings):
        await bus.ensure_stream(spec)
    return bus


def _recording(effects: Any):
    async def handle(event, tx):
        await effects.insert_one({"event_id": event.id, "n": event.data["n"]}, session=tx.session)
    return handle


async def _write(uow: UnitOfWork, first: int, accepted: list[str]) -> None:
    """Each write is a committed transaction with its event in the outbox: accepted, whatever NATS is doing."""
    for n in range(first, first + WRITES_PER_PHASE):
        event = await uow.run(lambda tx, n=n: _emit(tx, n))
        accepted.append(event.id)
        await asyncio.sleep(0.02)


async def _emit(tx, n: int):
    return tx.emit(ThingHappened(n=n), subject=f"thing-{n}", community=COMMUNITY, aggregate_version=1)


async def _stream_msg_ids(bus: Bus, stream: str) -> list[str]:
    state = (await bus.js.stream_info(stream)).state
    return [(await bus.js.get_msg(stream, seq)).headers["Nats-Msg-Id"] for seq in range(state.first_seq,
                                                                                          state.last_seq + 1)]


def _node(nodes: list[NatsServer], name: str) -> NatsServer:
    return next(node for node in nodes if node.cluster.server_name == name)


async def test_a_node_killed_mid_stream_loses_no_write_and_doubles_none(cluster, mongo_url, db_name):
    urls = ",".join(node.url for node in cluster)  # services are given every seed
    source = ServiceSettings(service_name="source", nats_url=urls, mongo_url=mongo_url, mongo_db=db_name,
                             environment="test", stream_replicas=3)
    sink = source.model_copy(update={"service_name": "sink", "mongo_db": f"{db_name}_sink"})
    client = mongo_client(source)
    source_db, sink_db = client[source.mongo_db], client[sink.mongo_db]
    source_bus, sink_bus = await _connect(source), await _connect(sink)
    stream = await source_bus.js.stream_info("SOURCE")
    assert stream.config.num_replicas == 3 and len(stream.cluster.replicas) == 2

    outbox = Outbox(source_db)
    relay = asyncio.create_task(OutboxRelay(outbox, source_bus, Lease(source_db, "relay", "test"), "source",
                                            poll_seconds=0.1).run())
    subscription = Subscription(DURABLE, "SOURCE", {ThingHappened.TYPE: _recording(sink_db["effects"])},
                                ack_wait=3.0, backoff=(0.5,))
    runner = ConsumerRunner(sink_bus, UnitOfWork(client, sink_db, "sink", Outbox(sink_db)), subscription, "sink")
    await runner.start()
    accepted: list[str] = []
    try:
        await _write(UnitOfWork(client, source_db, "source", outbox), 0, accepted)
        leader = _node(cluster, (await source_bus.js.stream_info("SOURCE")).cluster.leader)
        leader.kill()  # SIGKILL, mid-stream: some of the first writes are still in the outbox
        await _write(UnitOfWork(client, source_db, "source", outbox), WRITES_PER_PHASE, accepted)
        leader.start()
        await _write(UnitOfWork(client, source_db, "source", outbox), 2 * WRITES_PER_PHASE, accepted)

        async def settled() -> bool:
            info = await sink_bus.js.consumer_info("SOURCE", DURABLE)
            return (await outbox.pending_count() == 0 and info.num_pending == 0 and info.num_ack_pending == 0
                    and await sink_db["effects"].count_documents({}) >= len(accepted))
        await eventually(settled, 25, "every write published, handled and acknowledged")
    finally:
        relay.cancel()
        await asyncio.gather(relay, return_exceptions=True)
        await runner.stop()

    try:
        assert sorted(await _stream_msg_ids(source_bus, "SOURCE")) == sorted(accepted)  # each once, none lost
        effects = [doc["event_id"] async for doc in sink_db["effects"].find()]
        assert sorted(effects) == sorted(accepted)  # handled once in effect, redeliveries skipped by the inbox
        assert await outbox.collection.count_documents({"state": "parked"}) == 0
        async def caught_up() -> bool:
            replicas = (await source_bus.js.stream_info("SOURCE")).cluster.replicas
            return len(replicas) == 2 and all(peer.current for peer in replicas)
        await eventually(caught_up, 10, "the restarted node catches up with the stream")
    finally:
        await source_bus.nc.close()
        await sink_bus.nc.close()
        await client.drop_database(source.mongo_db)
        await client.drop_database(sink.mongo_db)
        await client.close()


def test_the_cluster_topology_gives_three_nats_nodes_r3_streams_three_mongo_members_and_every_seed():
    compose = load_compose(REPO_ROOT / "deploy" / "compose.cluster.yaml")
    nodes = ["nats", "nats-2", "nats-3"]
    routes = ",".join(f"nats://{node}:6222" for node in nodes)
    for n, node in enumerate(nodes, start=1):
        command = compose["services"][node]["command"]
        assert command[command.index("--name") + 1] == f"nats-{n}" and routes in command, node
        assert command[command.index("--cluster_name") + 1] == "linli", node
    assert {"mongo-2", "mongo-3"} <= set(compose["services"])
    for service in ("registry", "visits", "employment", "notify", "reports"):
        env = compose["services"][service]["environment"]
        assert env["LINLI_NATS_URL"] == ",".join(f"tls://{node}:4222" for node in nodes), service
        assert env["LINLI_STREAM_REPLICAS"] == 3, service
        assert "@mongo:27017,mongo-2:27017,mongo-3:27017/?replicaSet=rs0" in env["LINLI_MONGO_URL"], service
