"""Each community's visit policy, seeded with the defaults and editable by its admin."""
from __future__ import annotations

from typing import Any

from linli_shared.auth import Access, Principal
from linli_shared.outbox import Tx

from linli_visits.domain.policy import VisitPolicy
from linli_visits.service_layer.context import Visits
from linli_visits.storage.indexes import POLICIES


async def read(ctx: Visits, principal: Principal, community: str) -> VisitPolicy:
    principal.authorize(community, Access.READ)
    return await ctx.policy(community)


async def replace(ctx: Visits, principal: Principal, community: str, policy: VisitPolicy) -> VisitPolicy:
    """New cadences apply from the next sweep; tasks already planned keep their windows."""
    principal.authorize(community, Access.ADMIN)

    async def work(tx: Tx) -> Any:
        await tx.db[POLICIES].update_one(
            {"_id": community}, {"$set": {"policy": policy.model_dump(mode="json"), "updated_by": principal.sub,
                                          "updated_at": ctx.clock.now()}, "$inc": {"version": 1}},
            upsert=True, session=tx.session)

    await ctx.uow.run(work)
    return policy
