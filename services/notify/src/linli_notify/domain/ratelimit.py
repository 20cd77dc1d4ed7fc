"""A token bucket per channel: at most `rate` sends a second, with bursts up to `capacity`."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class TokenBucket:
    rate: float  # tokens per second
    capacity: float
    tokens: float | None = None
    updated: float | None = None

    def take(self, now: float, amount: float = 1.0) -> bool:
        if self.tokens is None or self.updated is None:
            self.tokens, self.updated = self.capacity, now
        self.tokens = min(self.capacity, self.tokens + max(now - self.updated, 0.0) * self.rate)
        self.updated = now
        if self.tokens >= amount:
            self.tokens -= amount
            return True
        return False


class RateLimiter:
    def __init__(self, rates: dict[str, float]) -> None:
        self.buckets = {channel: TokenBucket(rate, max(rate, 1.0)) for channel, rate in rates.items()}

    def take(self, channel: str, now: float) -> bool:
        bucket = self.buckets.get(channel)
        return bucket is None or bucket.take(now)
