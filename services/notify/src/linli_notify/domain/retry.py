"""What a send attempt's outcome means: done, try again later (with back-off), or never again."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

Kind = Literal["ok", "temporary", "permanent"]


@dataclass(frozen=True)
class Outcome:
    kind: Kind
    code: str = "ok"  # a stable dotted code: sms.gateway.http_500, webhook.timeout, smtp.refused …
    detail: str = ""  # ours (an exception's name, a limit): never a peer's response body
    provider: str | None = None
    http_status: int | None = None  # what the peer answered, when it answered

    @property
    def ok(self) -> bool:
        return self.kind == "ok"


def ok(provider: str | None = None) -> Outcome:
    return Outcome("ok", provider=provider)


def temporary(code: str, detail: str = "", provider: str | None = None, http_status: int | None = None) -> Outcome:
    return Outcome("temporary", code, detail[:300], provider, http_status)


def permanent(code: str, detail: str = "", provider: str | None = None, http_status: int | None = None) -> Outcome:
    return Outcome("permanent", code, detail[:300], provider, http_status)


def classify_http(status: int, channel: str, provider: str | None = None) -> Outcome:
    """2xx ok; 408, 425, 429 and 5xx may pass later; any other 4xx will not (a bad address, a gone hook)."""
    if 200 <= status < 300:
        return Outcome("ok", provider=provider, http_status=status)
    if status in (408, 425, 429) or status >= 500:
        return temporary(f"{channel}.http_{status}", provider=provider, http_status=status)
    return permanent(f"{channel}.http_{status}", provider=provider, http_status=status)


@dataclass(frozen=True)
class Decision:
    status: Literal["sent", "retrying", "failed", "dead"]
    not_before: datetime | None = None


def decide(outcome: Outcome, attempts: int, max_attempts: int, backoff: tuple[float, ...],
           now: datetime) -> Decision:
    """`attempts` counts the one just made. Temporary failures back off until the attempts run out (dead)."""
    if outcome.ok:
        return Decision("sent")
    if outcome.kind == "permanent":
        return Decision("failed")
    if attempts >= max_attempts:
        return Decision("dead")
    return Decision("retrying", now + timedelta(seconds=backoff_delay(attempts, backoff)))


def backoff_delay(attempts: int, backoff: tuple[float, ...]) -> float:
    if not backoff:
        return 0.0
    return backoff[min(attempts - 1, len(backoff) - 1)]
