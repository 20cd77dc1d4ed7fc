"""The NATS JetStream connection: streams created when missing, events published with de-duplication."""
from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

import nats
from nats.aio.client import Client
from nats.errors import ConnectionClosedError, MaxPayloadError
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
_DAY = 86400.0


class StreamMisconfigured(RuntimeError):
    """An existing stream our code cannot work with; a service refuses to start rather than lose events."""


@dataclass(frozen=True)
class StreamLimits:
    """What a deployment tunes (LINLI_STREAM_*, LINLI_DEAD_LETTER_*); 0 or -1 means no limit, as in NATS."""
    replicas: int = 1
    storage: StorageType = StorageType.FILE
    max_age_seconds: float = 0.0
    max_bytes: int = -1
    max_msgs: int = -1
    duplicate_window: float = DUPLICATE_WINDOW_SECONDS


@dataclass(frozen=True)
class StreamSpec:
    name: str
    subjects: tuple[str, ...]
    limits: StreamLimits = field(default_factory=StreamLimits)

    def config(self) -> StreamConfig:
        # Limits retention and discard-old: the kept messages are a log consumers can replay from the start.
        return StreamConfig(name=self.name, subjects=list(self.subjects), retention=RetentionPolicy.LIMITS,
                            discard=DiscardPolicy.OLD, storage=self.limits.storage,
                            num_replicas=self.limits.replicas, max_age=self.limits.max_age_seconds,
                            max_bytes=self.limits.max_bytes, max_msgs=self.limits.max_msgs,
                            duplicate_window=self.limits.duplicate_window)


def service_stream(service: str, limits: StreamLimits | None = None) -> StreamSpec:
    """One stream per producing service: REGISTRY ← linli.registry.>"""
    return StreamSpec(service.upper(), (f"linli.{service}.>",), limits or StreamLimits())


def dead_letter_stream(service: str, limits: StreamLimits | None = None) -> StreamSpec:
    """Each service's dead letters in a stream of its own: DEADLETTER_VISITS ← linli.deadletter.visits.>

    NATS grants the JetStream API per stream name (`$JS.API.STREAM.MSG.GET.<stream>`), never per subject
    inside a stream, so only a stream of its own lets the server refuse one service another's letters."""
    return StreamSpec(f"{LEGACY_DEAD_LETTER_STREAM}_{service.upper()}", (f"linli.deadletter.{service}.>",),
                      limits or StreamLimits())


def own_streams(settings: ServiceSettings) -> list[StreamSpec]:
    """The streams a service creates at start when missing: its events and its dead letters."""
    shared = dict(replicas=settings.stream_replicas, storage=StorageType(settings.stream_storage),
                  duplicate_window=settings.stream_duplicate_window_seconds)
    events = StreamLimits(**shared, max_age_seconds=settings.stream_max_age_days * _DAY,
                          max_bytes=_limit(settings.stream_max_bytes))
    # Bounded: oldest letters are discarded at a limit, so the dead-letter alert must fire long before.
    letters = StreamLimits(**shared, max_age_seconds=settings.dead_letter_max_age_days * _DAY,
                           max_bytes=_limit(settings.dead_letter_max_bytes),
                           max_msgs=_limit(settings.dead_letter_max_msgs))
    service = settings.service_name
    return [service_stream(service, events), dead_letter_stream(service, letters)]


def _limit(value: int) -> int:
    """Settings say 0 for "no limit"; NATS says -1 for sizes and counts."""
    return value if value > 0 else -1


def subject_covers(pattern: str, subject: str) -> bool:
    """Whether every subject `subject` can match is matched by `pattern` (NATS wildcards `*` and `>`)."""
    theirs, ours = pattern.split("."), subject.split(".")
    for index, token in enumerate(theirs):
        if token == ">":
            return len(ours) > index
        if index >= len(ours) or ours[index] == ">" or token not in ("*", ours[index]):
            return False
    return len(theirs) == len(ours)


def refuse_unusable(spec: StreamSpec, theirs: StreamConfig) -> None:
    """The settings our code needs to be right, which no operator choice may take away."""
    missing = [s for s in spec.subjects if not any(subject_covers(p, s) for p in theirs.subjects or ())]
    if missing:
        raise StreamMisconfigured(f"stream {spec.name} does not take {missing} (its subjects are "
                                  f"{theirs.subjects}): add them to the stream, e.g. nats stream edit "
                                  f"{spec.name} --subjects ...; see docs/operations.md, 'Streams'")
    if _value(theirs.retention) not in (None, RetentionPolicy.LIMITS.value):
        raise StreamMisconfigured(f"stream {spec.name} has retention {_value(theirs.retention)}; Linli needs "
                                  f"limits (consumers replay from the start): see docs/operations.md, 'Streams'")


@dataclass(frozen=True)
class Difference:
    field: str
    ours: Any
    theirs: Any
    weaker: bool  # theirs weakens a guarantee (durability, de-duplication, accepting publishes)


def differences(spec: StreamSpec, theirs: StreamConfig) -> Iterator[Difference]:
    """Where an existing stream differs from what we would create; its own values stay."""
    ours = spec.config()
    compared = {
        "replicas": (ours.num_replicas, theirs.num_replicas or 1, lambda o, t: t < o),
        "storage": (ours.storage.value, _value(theirs.storage), lambda o, t: t == "memory" and o == "file"),
        "max_age_seconds": (ours.max_age, theirs.max_age or 0.0, lambda o, t: False),
        "max_bytes": (ours.max_bytes, theirs.max_bytes, lambda o, t: False),
        "max_msgs": (ours.max_msgs, theirs.max_msgs, lambda o, t: False),
        "duplicate_window_seconds": (ours.duplicate_window, theirs.duplicate_window or 0.0, lambda o, t: t < o),
        "discard": (ours.discard.value, _value(theirs.discard), lambda o, t: t == "new"),
    }
    for name, (mine, current, weaker) in compared.items():
        if mine != current:
            yield Difference(name, mine, current, weaker(mine, current))


def _value(policy: Any) -> Any:
    return getattr(policy, "value", policy)


def inbox_prefix(user: str | None) -> str:
    """`_INBOX_<user>`: the only inbox a NATS user may subscribe to, so no one hears another's replies."""
    return f"_INBOX_{user}" if user else "_INBOX"


def nats_servers(url: str) -> list[str]:
    """`LINLI_NATS_URL` as the server pool: one URL, or a cluster's seeds separated by commas."""
    servers = [server.strip() for server in url.split(",") if server.strip()]
    if not servers:
        raise ValueError("LINLI_NATS_URL is empty: give nats://host:4222, or a cluster's URLs separated by commas")
    return servers


def tls_context(ca_file: Path | None) -> ssl.SSLContext | None:
    """Trust our own CA for NATS's certificate; without one, a `tls://` URL trusts the system's CAs."""
    return ssl.create_default_context(cafile=str(ca_file)) if ca_file else None


class Bus:
    def __init__(self, nc: Client) -> None:
        self.nc = nc
        self.js: JetStreamContext = nc.jetstream()

    @classmethod
    async def connect(cls, settings: ServiceSettings, name: str | None = None) -> Bus:
        nc = await nats.connect(
            nats_servers(settings.nats_url), tls=tls_context(settings.nats_tls_ca_file),
            name=name or f"linli-{settings.service_name}",
            user=settings.nats_user, inbox_prefix=inbox_prefix(settings.nats_user),
            password=settings.nats_password.get_secret_value() if settings.nats_password else None,
            max_reconnect_attempts=-1, reconnect_time_wait=0.5, connect_timeout=5,
            error_cb=_on_error, disconnected_cb=_on_disconnected, reconnected_cb=_on_reconnected,
        )
        return cls(nc)

    async def ensure_stream(self, spec: StreamSpec) -> None:
        """Create the stream with our settings when missing; one that exists keeps what an operator set.

        Safe on every start: an existing stream is never updated (a restart once undid a 90-day limit).
        A difference is logged once per start; only subjects and retention our code needs are enforced."""
        try:
            info = await self.js.stream_info(spec.name)
        except NotFoundError:
            await self._add_stream(spec)
            return
        refuse_unusable(spec, info.config)
        for diff in differences(spec, info.config):
            level = log.warning if diff.weaker else log.info
            level("bus.stream_config_differs", stream=spec.name, field=diff.field, ours=diff.ours,
                  theirs=diff.theirs, kept="theirs")

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
        log.info("bus.stream_created", stream=spec.name, subjects=list(spec.subjects), replicas=spec.limits.replicas,
                 storage=spec.limits.storage.value, max_age_seconds=spec.limits.max_age_seconds,
                 max_bytes=spec.limits.max_bytes, max_msgs=spec.limits.max_msgs)

    async def publish(self, event: CloudEvent, timeout: float = 5.0, msg_id: str | None = None) -> bool:
        """Publish and wait for JetStream's ack; False if JetStream saw this id already.

        The message id is the event id, except for a deliberate re-publish (which consumers still
        recognise by the event id inside)."""
        ack = await self.js.publish(event.nats_subject, event.model_dump_json().encode(), timeout=timeout,
                                    headers={"Nats-Msg-Id": msg_id or event.id})
        return not ack.duplicate

    async def publish_pipelined(self, messages: Sequence[tuple[CloudEvent, str | None]],
                                timeout: float = 5.0) -> list[bool | Exception]:
        """Publish each (event, message id) without waiting for its ack, then wait for all the acks.

        One connection carries the messages to JetStream in the order sent. The outcome of each, in
        order: True/False as `publish`, or the exception (no ack within `timeout` included). Sending
        stops at the first message that cannot be sent; those after it get the same exception."""
        acks: list[asyncio.Future] = []
        unsent: Exception | None = None
        try:
            for event, msg_id in messages:
                payload = event.model_dump_json().encode()
                # Checked here: publish_async would hold its slot of pending acks if the send raised.
                if self.nc.is_closed or self.nc.is_draining:
                    raise ConnectionClosedError
                if len(payload) > self.nc.max_payload:
                    raise MaxPayloadError
                acks.append(await self.js.publish_async(event.nats_subject, payload,
                                                        headers={"Nats-Msg-Id": msg_id or event.id}))
        except Exception as exc:
            unsent = exc
        if acks:
            _, late = await asyncio.wait(acks, timeout=timeout)
            for ack in late:
                ack.cancel()
        return [*map(_outcome, acks), *[unsent] * (len(messages) - len(acks))]

    @property
    def connected(self) -> bool:
        return self.nc.is_connected

    async def close(self) -> None:
        if not self.nc.is_closed:
            try:
                await within(5, self.nc.drain())
            except (TimeoutError, nats.errors.ConnectionClosedError):
                await self.nc.close()


def _outcome(ack: asyncio.Future) -> bool | Exception:
    if ack.cancelled():
        return TimeoutError("no ack from JetStream in time")
    if (error := ack.exception()) is not None:
        return error if isinstance(error, Exception) else RuntimeError(str(error))
    return not ack.result().duplicate


async def _on_error(exc: Exception) -> None:
    log.warning("bus.error", error=str(exc), error_type=type(exc).__name__)


async def _on_disconnected() -> None:
    log.warning("bus.disconnected")


async def _on_reconnected() -> None:
    log.info("bus.reconnected")
