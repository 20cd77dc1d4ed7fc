"""What every employment use case and event handler needs, built once by the composition root."""
from __future__ import annotations

from dataclasses import dataclass, field

from pymongo.asynchronous.database import AsyncDatabase

from linli_shared.clock import Clock
from linli_shared.domain.groups import GroupRules
from linli_shared.domain.suppression import DEFAULT_BELOW
from linli_shared.outbox import UnitOfWork

from linli_employment.storage.kept_seekers import KeptSeekers


@dataclass
class Employment:
    uow: UnitOfWork
    db: AsyncDatabase  # read outside a transaction through storage/ only
    clock: Clock
    rules: GroupRules
    suppress_below: int = DEFAULT_BELOW  # officers' small cells (LINLI_SUPPRESS_BELOW)
    kept_seekers: KeptSeekers = field(default_factory=KeptSeekers)  # recently matched districts' seekers
