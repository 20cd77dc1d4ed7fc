"""One interface for every way out: a channel takes a rendered message and answers with an Outcome."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import httpx

from linli_notify.channels.targets import TargetGuard
from linli_notify.domain.retry import Outcome, permanent, temporary
from linli_notify.domain.targets import TargetRefused


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


async def refused_target(guard: TargetGuard, channel: str, url: str, provider: str | None = None) -> Outcome | None:
    """Checked before every send, not only at registration: a host name can start resolving inside."""
    try:
        await guard.check(url)
    except TargetRefused as exc:
        if exc.code == "unresolvable":  # DNS may answer later
            return temporary(f"{channel}.unresolvable", exc.detail, provider)
        return permanent(f"{channel}.target_{exc.code}", exc.detail, provider)
    return None
