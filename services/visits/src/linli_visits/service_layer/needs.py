"""Needs (诉求) found on visits, followed until someone resolves them."""
from __future__ import annotations

from linli_shared.auth import Access, Principal
from linli_shared.errors import conflict
from linli_shared.outbox import Tx

from linli_visits.events import NeedResolved
from linli_visits.service_layer.context import Visits
from linli_visits.storage import needs
from linli_visits.storage.needs import Need


async def community_needs(ctx: Visits, principal: Principal, community: str, limit: int, cursor: str | None,
                          status: str | None = None, urgent: bool | None = None) -> tuple[list[Need], str | None]:
    principal.authorize(community, Access.READ)
    return await needs.page_of_community(ctx.db, community, limit, cursor, status, urgent)


async def resolve(ctx: Visits, principal: Principal, need_id: str, resolution: str) -> Need:
    need = await needs.authorized(ctx.db, need_id, principal, Access.WRITE)

    async def work(tx: Tx) -> Need:
        resolved = await needs.resolve(tx, need, resolution, principal.sub, ctx.clock.now())
        if resolved is None:
            raise conflict("need.already_resolved", "this need was already resolved")
        tx.emit(NeedResolved(need_id=need_id, community_code=need.community_code, resident_id=need.resident_id,
                             resolved_by=principal.sub), subject=need_id, community=need.community_code,
                aggregate_version=2)
        return resolved

    return await ctx.uow.run(work)
