"""The task sweep: routine cadences and birthdays for every resident, and overdue exactly once."""
from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import Gauge

from linli_shared.logging import get_logger
from linli_shared.outbox import Tx

from linli_visits.events import TaskOverdue
from linli_visits.service_layer.context import Visits
from linli_visits.service_layer.planning import retire_stale_routine, standing_plans
from linli_visits.storage import pairings, projection, tasks
from linli_visits.storage.tasks import Task

log = get_logger()
OVERDUE_TASKS = Gauge("linli_visits_overdue_tasks", "Visit tasks past their window and not yet visited")
CHUNK = 300  # tasks per transaction: small enough for any store, large enough to be fast


@dataclass
class SweepReport:
    communities: int = 0
    residents: int = 0
    created: int = 0
    overdue: int = 0


async def sweep(ctx: Visits) -> SweepReport:
    report = SweepReport()
    for community in sorted(await projection.communities(ctx.db)):
        residents, created = await sweep_community(ctx, community)
        report.communities += 1
        report.residents += residents
        report.created += created
    report.overdue = await mark_overdue(ctx)
    OVERDUE_TASKS.set(await tasks.count_overdue(ctx.db))
    log.info("visits.swept", **report.__dict__)
    return report


async def sweep_community(ctx: Visits, community: str) -> tuple[int, int]:
    today = ctx.clock.today()
    residents = await projection.residents_in(ctx.db, community)
    households = await projection.households_in(ctx.db, community)
    policy = await ctx.policy(community)
    groups = projection.community_groups(residents, households, today, ctx.rules)
    volunteers = await pairings.volunteers_in(ctx.db, community)
    open_routine = await tasks.routine_pending_in(ctx.db, community)
    planned, stale = [], []
    for resident in residents:
        if resident.get("status") != "active":
            continue
        plans = standing_plans(resident, groups[resident["_id"]], today, policy)
        routine_key = next((p.key for p in plans if p.reason == "routine"), None)
        if resident["_id"] in open_routine and open_routine[resident["_id"]] != routine_key:
            stale.append((resident["_id"], routine_key))
        planned += [(p, resident, volunteers.get(resident["_id"]) if p.reason == "routine" else None) for p in plans]
    created = 0
    for start in range(0, len(planned), CHUNK):
        created += await ctx.uow.run(lambda tx, chunk=planned[start:start + CHUNK]: tasks.create_tasks(
            tx, chunk, ctx.clock.now()))
    for resident_id, keep in stale:
        await ctx.uow.run(lambda tx, r=resident_id, k=keep: retire_stale_routine(ctx, tx, r, k))
    return len(residents), created


async def mark_overdue(ctx: Visits) -> int:
    """A task whose window has passed becomes overdue once, with one event (the status guard makes it once)."""
    today = ctx.clock.today().isoformat()
    due = await tasks.open_due_before(ctx.db, today)
    moved = 0
    for start in range(0, len(due), CHUNK):
        moved += await ctx.uow.run(lambda tx, chunk=due[start:start + CHUNK]: _overdue(ctx, tx, chunk))
    return moved


async def _overdue(ctx: Visits, tx: Tx, chunk: list[Task]) -> int:
    now, moved = ctx.clock.now(), 0
    for task in chunk:
        moved += await tasks.move(tx, task, "overdue", TaskOverdue, now) is not None
    return moved
