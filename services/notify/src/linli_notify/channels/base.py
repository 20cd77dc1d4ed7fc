"""One interface for every way out: a channel takes a rendered message and answers with an Outcome."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import httpx

from linli_notify.domain.retry import Outcome, temporary


@dataclass(frozen=True)
class Message:
    notification_id: str
    event_id: str
    address: str
    body: str
    subject: str | None = None
    mention: str | None = None  # a WeCom userid to @ in the group
    secret: str | None = None  # a webhook's signing secret


class Channel(Protocol):
    name: str

    async def send(self, message: Message) -> Outcome: ...


def transport_failure(channel: str, exc: Exception, provider: str | None = None) -> Outcome:
    """Timeouts and refused connections may pass later: temporary."""
    if isinstance(exc, httpx.TimeoutException):
        return temporary(f"{channel}.timeout", type(exc).__name__, provider)
    return temporary(f"{channel}.unreachable", f"{type(exc).__name__}: {exc}", provider)
