"""The NATS JetStream connection: streams created idempotently, events published with de-duplication."""
from __future__ import annotations

from dataclasses import dataclass

import nats
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError

from linli_shared.events import CloudEvent
from linli_shared.logging import get_logger
from linli_shared.settings import ServiceSettings
from linli_shared.waiting import within

log = get_logger()
DUPLICATE_WINDOW_SECONDS = 120.0  # explicit: the relay's re-publish after a crash lands inside it
DEAD_LETTER_STREAM = "DEADLETTER"


@dataclass(frozen=True)
class StreamSpec:
    name: str
    subjects: tuple[str, ...]

    def config(self) -> StreamConfig:
        # Kept forever (no max_age): any projection can be rebuilt from the start.
        return StreamConfig(name=self.name, subjects=list(self.subjects), storage=StorageType.FILE,
                            retention=RetentionPolicy.LIMITS, discard=DiscardPolicy.OLD,
                            duplicate_window=DUPLICATE_WINDOW_SECONDS)


def service_stream(service: str) -> StreamSpec:
    """One stream per producing service: REGISTRY ← linli.registry.>"""
    return StreamSpec(service.upper(), (f"linli.{service}.>",))


def dead_letter_stream() -> StreamSpec:
    return StreamSpec(DEAD_LETTER_STREAM, ("linli.deadletter.>",))


class Bus:
    def __init__(self, nc: Client) -> None:
        self.nc = nc
        self.js: JetStreamContext = nc.jetstream()

    @classmethod
    async def connect(cls, settings: ServiceSettings, name: str | None = None) -> Bus:
        nc = await nats.connect(
            settings.nats_url, name=name or f"linli-{settings.service_name}",
            user=settings.nats_user,
            password=settings.nats_password.get_secret_value() if settings.nats_password else None,
            max_reconnect_attempts=-1, reconnect_time_wait=0.5, connect_timeout=5,
            error_cb=_on_error, disconnected_cb=_on_disconnected, reconnected_cb=_on_reconnected,
        )
        return cls(nc)

    async def ensure_stream(self, spec: StreamSpec) -> None:
        """Create the stream, or bring its config up to date; safe to call on every start."""
        try:
            await self.js.stream_info(spec.name)
        except NotFoundError:
            await self.js.add_stream(spec.config())
            log.info("bus.stream_created", stream=spec.name, subjects=list(spec.subjects))
            return
        await self.js.update_stream(spec.config())

    async def publish(self, event: CloudEvent, timeout: float = 5.0, msg_id: str | None = None) -> bool:
        """Publish and wait for JetStream's ack; False if JetStream saw this id already.

        The message id is the event id, except for a deliberate re-publish (which consumers still
        recognise by the event id inside)."""
        ack = await self.js.publish(event.nats_subject, event.model_dump_json().encode(), timeout=timeout,
                                    headers={"Nats-Msg-Id": msg_id or event.id})
        return not ack.duplicate

    @property
    def connected(self) -> bool:
        return self.nc.is_connected

    async def close(self) -> None:
        if not self.nc.is_closed:
            try:
                await within(5, self.nc.drain())
            except (TimeoutError, nats.errors.ConnectionClosedError):
                await self.nc.close()


async def _on_error(exc: Exception) -> None:
    log.warning("bus.error", error=str(exc), error_type=type(exc).__name__)


async def _on_disconnected() -> None:
    log.warning("bus.disconnected")


async def _on_reconnected() -> None:
    log.info("bus.reconnected")
