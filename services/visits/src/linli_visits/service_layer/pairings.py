"""One-to-one pairing (一助一): a volunteer looks after one elder and carries their routine visits."""
from __future__ import annotations

import uuid
from typing import Any

from linli_shared.auth import Access, Principal
from linli_shared.errors import conflict, invalid, not_found
from linli_shared.outbox import Tx

from linli_visits.service_layer.context import Visits
from linli_visits.storage import tasks
from linli_visits.storage.indexes import PAIRINGS, RESIDENTS, TASKS


async def _resident(ctx: Visits, resident_id: str, field: str) -> dict[str, Any]:
    resident = await ctx.db[RESIDENTS].find_one({"_id": resident_id})
    if resident is None or resident.get("status") != "active":
        raise invalid(f"pairing.{field}.unknown", f"{resident_id} is not an active resident", ["body", field])
    return resident


async def pair(ctx: Visits, principal: Principal, volunteer_id: str, elder_id: str) -> dict[str, Any]:
    volunteer, elder = await _resident(ctx, volunteer_id, "volunteer_id"), await _resident(ctx, elder_id, "elder_id")
    principal.authorize(elder["community_code"], Access.WRITE)
    if not volunteer.get("volunteer"):
        raise invalid("pairing.volunteer_id.not_a_volunteer", "that resident is not registered as a volunteer",
                      ["body", "volunteer_id"])
    if volunteer["community_code"] != elder["community_code"]:
        raise invalid("pairing.other_community", "volunteer and elder live in different communities", ["body"])

    async def work(tx: Tx) -> dict[str, Any]:
        if await tx.db[PAIRINGS].find_one({"elder_id": elder_id, "active": True}, session=tx.session):
            raise conflict("pairing.elder_already_paired", "this elder already has a volunteer; end that pairing first")
        doc = {"_id": str(uuid.uuid4()), "community_code": elder["community_code"], "volunteer_id": volunteer_id,
               "elder_id": elder_id, "active": True, "created_by": principal.sub, "created_at": ctx.clock.now()}
        await tx.db[PAIRINGS].insert_one(doc, session=tx.session)
        await _reassign(ctx, tx, {"resident_id": elder_id, "reason": "routine", "assignee": None},
                        f"volunteer:{volunteer_id}")
        return doc

    return await ctx.uow.run(work)


async def unpair(ctx: Visits, principal: Principal, pairing_id: str) -> None:
    pairing = await ctx.db[PAIRINGS].find_one({"_id": pairing_id})
    if pairing is None or not pairing["active"]:
        raise not_found("pairing.not_found", f"no active pairing {pairing_id}")
    principal.authorize(pairing["community_code"], Access.WRITE)

    async def work(tx: Tx) -> None:
        await tx.db[PAIRINGS].update_one({"_id": pairing_id}, {"$set": {"active": False, "ended_at": ctx.clock.now()}},
                                         session=tx.session)
        await _reassign(ctx, tx, {"resident_id": pairing["elder_id"],
                                  "assignee": f"volunteer:{pairing['volunteer_id']}"}, None)

    await ctx.uow.run(work)


async def _reassign(ctx: Visits, tx: Tx, query: dict[str, Any], assignee: str | None) -> None:
    """The elder's pending tasks change hands, each with its `task.assigned` event."""
    pending = await tx.db[TASKS].find({**query, "status": {"$in": list(tasks.PENDING)}}, session=tx.session).to_list()
    for task in pending:
        await tasks.reassign(tx, task, assignee, ctx.clock.now())
