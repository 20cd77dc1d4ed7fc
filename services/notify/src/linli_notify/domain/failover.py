"""Provider failover: past a run of temporary failures the backup takes over; the primary is probed again later."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Failover:
    providers: tuple[str, ...]  # primary first
    threshold: int = 3  # consecutive temporary failures before moving on
    probe_after: float = 300.0  # seconds on a backup before the primary gets another chance
    active: int = 0
    failures: int = 0
    switched_at: float | None = None
    history: list[tuple[float, str]] = field(default_factory=list)  # (when, provider) of each switch

    def choose(self, now: float) -> str:
        """The provider for the next attempt; after `probe_after` on a backup, try the primary again."""
        if self.active and self.switched_at is not None and now - self.switched_at >= self.probe_after:
            self._switch(0, now)
        return self.providers[self.active]

    def record(self, provider: str, success: bool, temporary: bool, now: float) -> None:
        if provider != self.providers[self.active]:
            return  # a late answer from a provider we already left
        if success or not temporary:  # a permanent error is the message's fault, not the provider's
            self.failures = 0
            return
        self.failures += 1
        if self.failures >= self.threshold and len(self.providers) > 1:
            self._switch((self.active + 1) % len(self.providers), now)

    def _switch(self, index: int, now: float) -> None:
        self.active, self.failures, self.switched_at = index, 0, now
        self.history.append((now, self.providers[index]))
