"""What every visits use case and event handler needs, built once by the composition root."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from linli_shared.caching import InFlight, VersionedCache
from linli_shared.clock import Clock
from linli_shared.domain.groups import GroupRules
from linli_shared.domain.suppression import DEFAULT_BELOW
from linli_shared.outbox import Tx, UnitOfWork

from linli_visits.domain.policy import VisitPolicy
from linli_visits.storage import policies


@dataclass
class Visits:
    uow: UnitOfWork
    db: Any
    clock: Clock
    rules: GroupRules
    suppress_below: int = DEFAULT_BELOW  # officers' small cells (LINLI_SUPPRESS_BELOW)
    # Each community's statistics figures, by (community, data version, period): service_layer/statistics.py.
    statistics: VersionedCache = field(default_factory=lambda: VersionedCache(kept=256))
    counting_statistics: InFlight = field(default_factory=InFlight)
    # Pages of a community's tasks nearest due first, by (community, data version, the query): service_layer/tasks.py.
    due_pages: VersionedCache = field(default_factory=lambda: VersionedCache(kept=64))

    async def policy(self, community: str, tx: Tx | None = None) -> VisitPolicy:
        return (await self.policies({community}, tx))[community]

    async def policies(self, communities: set[str], tx: Tx | None = None) -> dict[str, VisitPolicy]:
        """Each community's policy (its own, or the default) in one read, inside `tx` when given."""
        return await policies.policies_of(tx or self.db, communities)
