"""The NATS JetStream connection: streams created idempotently, events published with de-duplication."""
from __future__ import annotations

from dataclasses import dataclass

import nats
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import APIError, NotFoundError

from linli_shared.events import CloudEvent
from linli_shared.logging import get_logger
from linli_shared.settings import ServiceSettings
from linli_shared.waiting import within

log = get_logger()
DUPLICATE_WINDOW_SECONDS = 120.0  # explicit: the relay's re-publish after a crash lands inside it
LEGACY_DEAD_LETTER_STREAM = "DEADLETTER"  # one stream for every service's dead letters, before issue 18
_SUBJECTS_OVERLAP = 10065  # JetStream's error code for a stream whose subjects another stream holds


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


def dead_letter_stream(service: str) -> StreamSpec:
    """Each service's dead letters in a stream of its own: DEADLETTER_VISITS ← linli.deadletter.visits.>

    NATS grants the JetStream API per stream name (`$JS.API.STREAM.MSG.GET.<stream>`), never per subject
    inside a stream, so only a stream of its own lets the server refuse one service another's letters."""
    return StreamSpec(f"{LEGACY_DEAD_LETTER_STREAM}_{service.upper()}", (f"linli.deadletter.{service}.>",))


def inbox_prefix(user: str | None) -> str:
    """`_INBOX_<user>`: the only inbox a NATS user may subscribe to, so no one hears another's replies."""
    return f"_INBOX_{user}" if user else "_INBOX"


class Bus:
    def __init__(self, nc: Client) -> None:
        self.nc = nc
        self.js: JetStreamContext = nc.jetstream()

    @classmethod
    async def connect(cls, settings: ServiceSettings, name: str | None = None) -> Bus:
        nc = await nats.connect(
            settings.nats_url, name=name or f"linli-{settings.service_name}",
            user=settings.nats_user, inbox_prefix=inbox_prefix(settings.nats_user),
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
            await self._add_stream(spec)
            return
        await self.js.update_stream(spec.config())

    async def _add_stream(self, spec: StreamSpec) -> None:
        try:
            await self.js.add_stream(spec.config())
        except APIError as exc:
            if exc.err_code != _SUBJECTS_OVERLAP:
                raise
            # A store from before per-service dead-letter streams: an operator retires DEADLETTER first.
            raise RuntimeError(f"stream {spec.name} cannot take {list(spec.subjects)}: another stream holds them "
                               f"(the old {LEGACY_DEAD_LETTER_STREAM}? see docs/operations.md, "
                               f"'Dead letters')") from exc
        log.info("bus.stream_created", stream=spec.name, subjects=list(spec.subjects))

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
