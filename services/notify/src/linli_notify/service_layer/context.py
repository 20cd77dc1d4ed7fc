"""What every notify use case, handler and worker needs, built once by the composition root."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from typing import Any

from linli_shared.clock import Clock
from linli_shared.outbox import UnitOfWork
from linli_shared.waiting import Doorbell

from linli_notify.channels.base import Channel
from linli_notify.channels.targets import TargetGuard
from linli_notify.domain.quiet import parse_hhmm
from linli_notify.domain.ratelimit import RateLimiter
from linli_notify.service_layer.group_commit import GroupCommit
from linli_notify.service_layer.renderer import Renderer
from linli_notify.settings import NotifySettings


@dataclass
class Notify:
    uow: UnitOfWork
    db: Any
    clock: Clock
    settings: NotifySettings
    channels: dict[str, Channel]
    limiter: RateLimiter
    renderer: Renderer  # stored templates, off the loop and bounded
    guard: TargetGuard  # where webhooks, robots and gateways may point
    closers: list[Any] = field(default_factory=list)  # clients to close on shutdown
    new_work: Doorbell = field(default_factory=Doorbell)  # rung when there is something to send now
    outcomes: GroupCommit = field(default_factory=GroupCommit)  # sends' outcomes, recorded together

    @property
    def default_quiet(self) -> tuple[time, time]:
        return parse_hhmm(self.settings.quiet_start), parse_hhmm(self.settings.quiet_end)

