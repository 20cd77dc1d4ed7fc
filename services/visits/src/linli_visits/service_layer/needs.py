"""Needs (诉求) found on visits, followed until someone resolves them."""
from __future__ import annotations

from typing import Any

from linli_shared.auth import Access, Principal
from linli_shared.errors import conflict
from linli_shared.mongo import find_authorized
from linli_shared.outbox import Tx

from linli_visits.events import NeedResolved
from linli_visits.service_layer.context import Visits
from linli_visits.storage.indexes import NEEDS


async def resolve(ctx: Visits, principal: Principal, need_id: str, resolution: str) -> dict[str, Any]:
    need = await find_authorized(ctx.db[NEEDS], need_id, principal, Access.WRITE, "need", "need.not_found")

    async def work(tx: Tx) -> dict[str, Any]:
        changes = {"status": "resolved", "resolution": resolution, "resolved_by": principal.sub,
                   "resolved_at": ctx.clock.now()}
        result = await tx.db[NEEDS].update_one({"_id": need_id, "status": "open"}, {"$set": changes},
                                               session=tx.session)
        if not result.modified_count:
            raise conflict("need.already_resolved", "this need was already resolved")
        tx.emit(NeedResolved(need_id=need_id, community_code=need["community_code"], resident_id=need["resident_id"],
                             resolved_by=principal.sub), subject=need_id, community=need["community_code"],
                aggregate_version=2)
        return {**need, **changes}

    return await ctx.uow.run(work)
