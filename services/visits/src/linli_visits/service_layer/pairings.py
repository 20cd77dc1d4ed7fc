"""One-to-one pairing (一助一): a volunteer looks after one elder and carries their routine visits."""
from __future__ import annotations

import uuid

from linli_shared.auth import Access, Principal
from linli_shared.errors import conflict, invalid, not_found
from linli_shared.outbox import Tx

from linli_visits.service_layer.context import Visits
from linli_visits.storage import pairings, projection, tasks
from linli_visits.storage.pairings import Pairing
from linli_visits.storage.projection import Resident
from linli_visits.storage.tasks import Task


async def _resident(ctx: Visits, resident_id: str, field: str) -> Resident:
    resident = await projection.resident(ctx.db, resident_id)
    if resident is None or resident.get("status") != "active":
        raise invalid(f"pairing.{field}.unknown", f"{resident_id} is not an active resident", ["body", field])
    return resident


async def pair(ctx: Visits, principal: Principal, volunteer_id: str, elder_id: str) -> Pairing:
    volunteer, elder = await _resident(ctx, volunteer_id, "volunteer_id"), await _resident(ctx, elder_id, "elder_id")
    principal.authorize(elder["community_code"], Access.WRITE)
    if not volunteer.get("volunteer"):
        raise invalid("pairing.volunteer_id.not_a_volunteer", "that resident is not registered as a volunteer",
                      ["body", "volunteer_id"])
    if volunteer["community_code"] != elder["community_code"]:
        raise invalid("pairing.other_community", "volunteer and elder live in different communities", ["body"])

    async def work(tx: Tx) -> Pairing:
        if await pairings.elder_is_paired(tx, elder_id):
            raise conflict("pairing.elder_already_paired", "this elder already has a volunteer; end that pairing first")
        pairing = Pairing(id=str(uuid.uuid4()), community_code=elder["community_code"], volunteer_id=volunteer_id,
                          elder_id=elder_id, active=True, created_by=principal.sub, created_at=ctx.clock.now())
        await pairings.add(tx, pairing)
        await _reassign(ctx, tx, await tasks.unassigned_routine(tx, elder_id), pairing.assignee)
        return pairing

    return await ctx.uow.run(work)


async def unpair(ctx: Visits, principal: Principal, pairing_id: str) -> None:
    pairing = await pairings.get(ctx.db, pairing_id)
    if pairing is None or not pairing.active:
        raise not_found("pairing.not_found", f"no active pairing {pairing_id}")
    principal.authorize(pairing.community_code, Access.WRITE)

    async def work(tx: Tx) -> None:
        await pairings.end(tx, pairing_id, ctx.clock.now())
        await _reassign(ctx, tx, await tasks.assigned_to(tx, pairing.elder_id, pairing.assignee), None)

    await ctx.uow.run(work)


async def _reassign(ctx: Visits, tx: Tx, pending: list[Task], assignee: str | None) -> None:
    """The elder's pending tasks change hands, each with its `task.assigned` event."""
    for task in pending:
        await tasks.reassign(tx, task, assignee, ctx.clock.now())
