"""What every reports use case and event handler needs, built once by the composition root."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from linli_shared.clock import Clock
from linli_shared.domain.groups import GroupRules
from linli_shared.domain.suppression import DEFAULT_BELOW
from linli_shared.outbox import UnitOfWork


@dataclass
class Reports:
    uow: UnitOfWork
    db: Any
    clock: Clock
    rules: GroupRules
    suppress_below: int = DEFAULT_BELOW  # officers' small cells: LINLI_SUPPRESS_BELOW
