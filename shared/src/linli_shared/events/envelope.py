"""CloudEvents 1.0 (JSON structured mode) around small, flat, past-tense, immutable event data.

The envelope's `id` is fixed when the fact happens; it is also the `Nats-Msg-Id` header and the
consumers' inbox key, so one fact is one id everywhere.
"""
from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from linli_shared.tracing import current_traceparent

_TYPE = re.compile(r"^linli\.([a-z_]+)\.([a-z_]+)\.([a-z_]+)\.v(\d+)$")
_REGISTRY: dict[str, type[EventData]] = {}


class EventData(BaseModel):
    """Base of every event's `data`; subclasses set `TYPE` and are registered by it."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    TYPE: ClassVar[str] = ""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if cls.TYPE:
            if not _TYPE.match(cls.TYPE):
                raise ValueError(f"event type {cls.TYPE!r} must look like linli.<service>.<aggregate>.<verb>.v<N>")
            _REGISTRY[cls.TYPE] = cls


def event_types() -> dict[str, type[EventData]]:
    return dict(_REGISTRY)


class CloudEvent(BaseModel):
    model_config = ConfigDict(frozen=True)

    specversion: Literal["1.0"] = "1.0"
    id: str
    source: str
    type: str
    subject: str
    time: datetime
    datacontenttype: Literal["application/json"] = "application/json"
    data: dict[str, Any]
    community: str = Field(description="org code the fact belongs to (12-digit for community data)")
    traceparent: str
    aggregateversion: int = Field(ge=0)

    @property
    def nats_subject(self) -> str:
        """Type with the community last, so a subscriber can take one community or all."""
        return f"{self.type}.{self.community}"

    @property
    def service(self) -> str:
        return self.type.split(".")[1]

    def typed(self) -> EventData:
        """The data as its registered model (raises KeyError for an unknown type)."""
        return _REGISTRY[self.type].model_validate(self.data)


def new_event(data: EventData, *, service: str, subject: str, community: str,
              aggregate_version: int, traceparent: str | None = None) -> CloudEvent:
    if not data.TYPE.startswith(f"linli.{service}."):
        raise ValueError(f"{service} may not emit {data.TYPE}")
    return CloudEvent(
        id=str(uuid.uuid4()), source=f"/linli/{service}", type=data.TYPE, subject=subject,
        time=datetime.now(UTC), data=data.model_dump(mode="json"), community=community,
        traceparent=traceparent or current_traceparent(), aggregateversion=aggregate_version,
    )
