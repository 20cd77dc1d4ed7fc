"""Each community's visit policy, seeded with the defaults and editable by its admin."""
from __future__ import annotations

from linli_shared.auth import Access, Principal
from linli_shared.outbox import Tx

from linli_visits.domain.policy import VisitPolicy
from linli_visits.service_layer.context import Visits
from linli_visits.storage import policies, statistics_versions


async def read(ctx: Visits, principal: Principal, community: str) -> VisitPolicy:
    principal.authorize(community, Access.READ)
    return await ctx.policy(community)


async def replace(ctx: Visits, principal: Principal, community: str, policy: VisitPolicy) -> VisitPolicy:
    """New cadences apply from the next sweep; tasks already planned keep their windows."""
    principal.authorize(community, Access.ADMIN)

    async def work(tx: Tx) -> None:
        await policies.replace(tx, community, policy, principal.sub, ctx.clock.now())
        await statistics_versions.bump(tx, {community})  # coverage counts by the policy's cadences

    await ctx.uow.run(work)
    return policy
