"""What every visits use case and event handler needs, built once by the composition root."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from linli_shared.clock import Clock
from linli_shared.domain.groups import GroupRules
from linli_shared.outbox import UnitOfWork

from linli_visits.domain.policy import VisitPolicy, default_policy
from linli_visits.storage.indexes import POLICIES


@dataclass
class Visits:
    uow: UnitOfWork
    db: Any
    clock: Clock
    rules: GroupRules

    async def policy(self, community: str, session: Any = None) -> VisitPolicy:
        doc = await self.db[POLICIES].find_one({"_id": community}, session=session)
        return VisitPolicy.model_validate(doc["policy"]) if doc else default_policy()
