"""The consumer's pieces wired by hand against the test's own NATS server and database."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, ClassVar

import pytest
from prometheus_client import REGISTRY

from linli_shared.bus import Bus, StreamSpec, dead_letter_stream
from linli_shared.consumer import ConsumerRunner
from linli_shared.events import CloudEvent, EventData, new_event
from linli_shared.mongo import mongo_client
from linli_shared.outbox import Outbox, UnitOfWork
from linli_shared.settings import ServiceSettings
from linli_shared.subscriptions import Handler, Subscription

SERVICE = "testsvc"
COMMUNITY = "130303001001"


@pytest.fixture
def stdlib_logging_restored():
    """configure_logging points the root logger at this test's captured stdout, which pytest closes after
    it: put the root handlers back, or a later library thread (aiosmtpd) logs into a closed file."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


class ThingHappened(EventData):
    TYPE: ClassVar[str] = "linli.source.thing.happened.v1"
    n: int


@dataclass
class Wire:
    settings: ServiceSettings
    bus: Bus
    uow: UnitOfWork
    db: Any
    runners: list[ConsumerRunner] = field(default_factory=list)

    def event(self, n: int, community: str = COMMUNITY, traceparent: str | None = None) -> CloudEvent:
        return new_event(ThingHappened(n=n), service="source", subject=f"thing-{n}", community=community,
                         aggregate_version=1, traceparent=traceparent)

    async def publish(self, *events: CloudEvent) -> None:
        for event in events:
            assert await self.bus.publish(event)

    async def start(self, durable: str, handler: Handler, **options: Any) -> ConsumerRunner:
        subscription = Subscription(durable, "SOURCE", {ThingHappened.TYPE: handler}, **options)
        runner = ConsumerRunner(self.bus, self.uow, subscription, SERVICE)
        await runner.start()
        self.runners.append(runner)
        return runner

    async def count(self, collection: str, query: dict[str, Any] | None = None) -> int:
        return await self.db[collection].count_documents(query or {})


def outcomes(durable: str, outcome: str) -> int:
    value = REGISTRY.get_sample_value("linli_consumer_handled_total",
                                      {"service": SERVICE, "consumer": durable, "outcome": outcome})
    return int(value or 0)


@pytest.fixture
def metric():
    return outcomes


@pytest.fixture
async def wire(nats_url: str, mongo_url: str, db_name: str) -> AsyncIterator[Wire]:
    settings = ServiceSettings(service_name=SERVICE, mongo_url=mongo_url, mongo_db=db_name, nats_url=nats_url,
                               environment="test")
    client = mongo_client(settings)
    db = client[db_name]
    bus = await Bus.connect(settings)
    await bus.ensure_stream(StreamSpec("SOURCE", ("linli.source.>",)))
    await bus.ensure_stream(dead_letter_stream(SERVICE))
    wired = Wire(settings, bus, UnitOfWork(client, db, SERVICE, Outbox(db)), db)
    try:
        yield wired
    finally:
        for runner in wired.runners:
            await runner.stop()
        await bus.nc.close()
        await client.drop_database(db_name)
        await client.close()
