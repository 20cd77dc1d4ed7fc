"""Reactions to employment: a 回访 a month after someone starts a job."""
from __future__ import annotations

from linli_shared.events import CloudEvent
from linli_shared.outbox import Tx

from linli_visits.domain.rules import follow_up_task
from linli_visits.handlers.inbound import Placement
from linli_visits.service_layer.context import Visits
from linli_visits.storage import projection, tasks


class ResidentNotYetKnown(Exception):
    """The registry's event is still on its way: retry later (the consumer backs off, then dead-letters)."""


async def plan_follow_up(ctx: Visits, event: CloudEvent, tx: Tx) -> None:
    """placement.started and placement.followup_due plan the same task key, so either (or both) is fine."""
    placement = Placement.model_validate(event.data)
    resident = await projection.resident(tx, placement.resident_id)
    if resident is None:
        raise ResidentNotYetKnown(placement.resident_id)
    if resident.get("status") != "active":
        return
    policy = await ctx.policy(resident["community_code"], tx)
    plan = follow_up_task(placement.resident_id, placement.placement_id, placement.start_date, policy)
    await tasks.create_tasks(tx, [(plan, resident, None)], ctx.clock.now())
