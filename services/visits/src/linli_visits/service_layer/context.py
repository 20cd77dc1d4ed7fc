"""What every visits use case and event handler needs, built once by the composition root."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from linli_shared.clock import Clock
from linli_shared.domain.groups import GroupRules
from linli_shared.domain.suppression import DEFAULT_BELOW
from linli_shared.outbox import UnitOfWork

from linli_visits.domain.policy import VisitPolicy, default_policy
from linli_visits.storage.indexes import POLICIES


@dataclass
class Visits:
    uow: UnitOfWork
    db: Any
    clock: Clock
    rules: GroupRules
    suppress_below: int = DEFAULT_BELOW  # officers' small cells (LINLI_SUPPRESS_BELOW)

    async def policy(self, community: str, session: Any = None) -> VisitPolicy:
        return (await self.policies({community}, session))[community]

    async def policies(self, communities: set[str], session: Any = None) -> dict[str, VisitPolicy]:
        """Each community's policy (its own, or the default) in one read."""
        docs = await self.db[POLICIES].find({"_id": {"$in": sorted(communities)}}, session=session).to_list()
        found = {doc["_id"]: VisitPolicy.model_validate(doc["policy"]) for doc in docs}
        return {community: found.get(community) or default_policy() for community in communities}
