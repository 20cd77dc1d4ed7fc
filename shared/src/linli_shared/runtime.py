"""What a service holds open (Mongo, the bus, the outbox relay, consumers) and its start and stop order."""
from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable

from pymongo.errors import PyMongoError

from linli_shared.bus import Bus, own_streams
from linli_shared.consumer import ConsumerRunner, Subscription, inbox_indexes
from linli_shared.consumer_lag import report_consumer_lag
from linli_shared.lease import Lease, instance_id
from linli_shared.logging import get_logger
from linli_shared.mongo import Indexes, ensure_indexes, mongo_client, wait_for_mongo
from linli_shared.outbox import Outbox, OutboxRelay, UnitOfWork, outbox_indexes
from linli_shared.settings import ServiceSettings
from linli_shared.trail import trail_indexes
from linli_shared.waiting import within

log = get_logger()


class ServiceRuntime:
    def __init__(self, settings: ServiceSettings, indexes: Indexes) -> None:
        self.settings = settings
        self.service = settings.service_name
        self.owner = instance_id()
        self.client = mongo_client(settings)
        self.db = self.client[settings.mongo_db]
        self.outbox = Outbox(self.db)
        self.uow = UnitOfWork(self.client, self.db, self.service, self.outbox)
        self.indexes = {**outbox_indexes(settings.outbox_retention_days), **trail_indexes(),
                        **inbox_indexes(settings.inbox_retention_days), **indexes}
        # Set by bootstrap once the context the handlers need exists (the context needs this runtime first).
        self.subscriptions: list[Subscription] = []
        self.bus: Bus | None = None
        self.consumers: list[ConsumerRunner] = []
        # Background loops (timers, sweeps) a service adds; each runs as a task beside the relay.
        self.workers: dict[str, Callable[[], Awaitable[None]]] = {}
        self._tasks: dict[str, asyncio.Task] = {}
        self._relay_lease = Lease(self.db, f"{self.service}.outbox-relay", self.owner)

    async def start(self) -> None:
        await wait_for_mongo(self.client)
        await ensure_indexes(self.db, self.indexes)
        self.bus = await _connect_bus(self.settings)
        for stream in own_streams(self.settings):
            await self.bus.ensure_stream(stream)
        if self.settings.run_workers:
            self.start_relay()
            for name, loop in self.workers.items():
                self._tasks[name] = asyncio.create_task(loop(), name=f"{self.service}-{name}")
            for subscription in self.subscriptions:
                runner = ConsumerRunner(self.bus, self.uow, subscription, self.service,
                                        stream_wait=self.settings.consumer_stream_wait_seconds)
                await runner.start()
                self.consumers.append(runner)
            if self.consumers:
                self._tasks["consumer_lag"] = asyncio.create_task(self._report_lag(), name=f"{self.service}-lag")
        log.info("service.started", workers=self.settings.run_workers, instance=self.owner)

    def start_relay(self) -> None:
        assert self.bus is not None
        relay = OutboxRelay(self.outbox, self.bus, self._relay_lease, self.service,
                            poll_seconds=self.settings.outbox_poll_seconds,
                            max_attempts=self.settings.outbox_max_attempts)
        self._tasks["outbox_relay"] = asyncio.create_task(relay.run(), name=f"{self.service}-outbox-relay")

    async def stop(self) -> None:
        """Stop taking work, let in-flight messages finish (ack or release), then drain and close."""
        await asyncio.gather(*(runner.stop() for runner in self.consumers))
        await _cancel(self._tasks)
        if self._tasks.pop("outbox_relay", None):
            try:
                await self._relay_lease.release()
            except PyMongoError:
                pass
        self._tasks.clear()
        if self.bus:
            await self.bus.close()
        await self.client.close()
        log.info("service.stopped")

    async def _report_lag(self, every: float = 15.0) -> None:
        """Consumer lag for /metrics from JetStream's consumer info, reported by one replica at a time."""
        lease = Lease(self.db, f"{self.service}.consumer-lag", self.owner, ttl_seconds=every * 3)
        durables = [(runner.subscription.stream, runner.durable) for runner in self.consumers]
        while True:
            try:
                await report_consumer_lag(self.bus.js, lease, self.service, durables)
            except PyMongoError:  # the lease could not be read: the store is down, readiness says so
                pass
            await asyncio.sleep(every)

    async def readiness(self) -> dict[str, Any]:
        checks: dict[str, Any] = {}
        try:
            await self.client.admin.command("ping")
            checks["mongo"] = "ok"
        except PyMongoError as exc:
            checks["mongo"] = f"down: {exc}"
        checks["nats"] = "ok" if self.bus and self.bus.connected else "down"
        for name, task in self._tasks.items():
            checks[name] = "down" if task.done() else "ok"
        for runner in self.consumers:
            checks[f"consumer:{runner.durable}"] = "ok" if runner.running else "down"
        return checks


async def _cancel(tasks: dict[str, asyncio.Task], grace: float = 10.0) -> None:
    """Cancel the background loops and wait for them, but not forever: a loop that will not stop
    is named in the log and left behind, so the rest of the shutdown (lease, bus, store) still runs."""
    for task in tasks.values():
        task.cancel()
    try:
        # shielded: a timed-out gather would cancel its children again and wait for them all the same
        await within(grace, asyncio.shield(asyncio.gather(*tasks.values(), return_exceptions=True)))
    except TimeoutError:
        log.error("service.task_stuck", tasks=sorted(name for name, task in tasks.items() if not task.done()))


async def _connect_bus(settings: ServiceSettings, attempts: int = 30) -> Bus:
    for attempt in range(1, attempts + 1):
        try:
            return await Bus.connect(settings)
        except Exception as exc:  # nats raises several unrelated types on a refused first connect
            log.warning("bus.waiting", attempt=attempt, error=str(exc) or type(exc).__name__)
            if attempt == attempts:
                raise
            await asyncio.sleep(1.0)
    raise AssertionError("unreachable")
