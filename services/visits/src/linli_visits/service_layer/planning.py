"""Which tasks should exist for a resident: routine cadence, birthday, mandatory visits, and cancellations."""
from __future__ import annotations

from datetime import date
from typing import Any

from linli_shared.outbox import Tx

from linli_visits.domain.policy import VisitPolicy
from linli_visits.domain.rules import TaskPlan, birthday_task, mandatory_task, routine_task
from linli_visits.events import TaskCancelled
from linli_visits.service_layer.context import Visits
from linli_visits.storage import life_events, pairings, tasks
from linli_visits.storage.projection import Resident, groups_in, households_of
from linli_visits.storage.tasks import Task

MANDATORY_KINDS = ("hospitalized", "major_event", "special_situation")


def standing_plans(resident: Resident, groups: list[str], today: date, policy: VisitPolicy) -> list[TaskPlan]:
    """The routine and birthday tasks a resident should have today."""
    routine = routine_task(resident["_id"], groups, _date(resident.get("last_routine_visit")),
                           _date(resident["known_since"]), today, policy, resident.get("last_routine_visit_id"))
    birthday = birthday_task(resident["_id"], groups, _date(resident["birth_date"]),
                             resident.get("birthday_calendar") or "solar", today, policy)
    return [plan for plan in (routine, birthday) if plan]


def _date(value: Any) -> date | None:
    return date.fromisoformat(str(value)) if value else None


async def plan_resident(ctx: Visits, tx: Tx, resident: Resident) -> None:
    await plan_residents(ctx, tx, [resident])


async def plan_residents(ctx: Visits, tx: Tx, residents: list[Resident]) -> None:
    """Bring residents' standing tasks up to date (on registry events, and after a routine visit).

    One read each for policies, households, pairings and routine tasks, however many residents.
    """
    today, ids = ctx.clock.today(), [r["_id"] for r in residents]
    situation = await groups_and_policy(ctx, tx, residents)
    volunteers = await pairings.volunteers_of(tx, ids)
    routine = await pending_routine(tx, ids)
    planned: list[tuple[TaskPlan, Resident, str | None]] = []
    for resident in residents:
        groups, policy = situation[resident["_id"]]
        plans = standing_plans(resident, groups, today, policy)
        keep = next((p.key for p in plans if p.reason == "routine"), None)
        await retire(ctx, tx, [task for task in routine.get(resident["_id"], []) if task.id != keep])
        planned += [(p, resident, volunteers.get(resident["_id"]) if p.reason == "routine" else None) for p in plans]
    await tasks.create_tasks(tx, planned, ctx.clock.now())


async def groups_and_policy(ctx: Visits, tx: Tx, residents: list[Resident]) -> dict[str, tuple[list[str], VisitPolicy]]:
    """Each resident's groups today and their community's policy, with one read each for policies and households."""
    today = ctx.clock.today()
    policies = await ctx.policies({r["community_code"] for r in residents}, tx)
    households = await households_of(tx, residents)
    return {r["_id"]: (groups_in(r, households[r["_id"]], today, ctx.rules), policies[r["community_code"]])
            for r in residents}


async def pending_routine(tx: Tx, resident_ids: list[str]) -> dict[str, list[Task]]:
    found: dict[str, list[Task]] = {}
    for task in await tasks.pending_routine(tx, resident_ids):
        found.setdefault(task.resident_id, []).append(task)
    return found


async def retire_stale_routine(ctx: Visits, tx: Tx, resident_id: str, keep: str | None) -> None:
    """One routine task at a time: a changed cadence or group cancels the old one."""
    routine = (await pending_routine(tx, [resident_id])).get(resident_id, [])
    await retire(ctx, tx, [task for task in routine if task.id != keep])


async def retire(ctx: Visits, tx: Tx, stale: list[Task]) -> None:
    for task in stale:
        await tasks.move(tx, task, "cancelled", TaskCancelled, ctx.clock.now(), why="cadence_changed")


async def cancel_pending(ctx: Visits, tx: Tx, resident_id: str, why: str) -> int:
    """A resident who moved out or died: nothing pending for them stays on anyone's list."""
    pending = await tasks.pending_of(tx, resident_id)
    moved = [await tasks.move(tx, task, "cancelled", TaskCancelled, ctx.clock.now(), why=why) for task in pending]
    return sum(1 for task in moved if task)


async def apply_life_events(ctx: Visits, tx: Tx, residents: list[Resident]) -> None:
    """Mandatory visits (五必访) for life events recorded while or before we knew the residents."""
    parked = await life_events.parked_for(tx, [r["_id"] for r in residents])
    if not parked:
        return  # the usual case: one read for the whole run
    parked_for = {event.resident_id for event in parked}
    waiting = [r for r in residents if r["_id"] in parked_for]
    situation = await groups_and_policy(ctx, tx, waiting)
    planned = []
    for resident in waiting:
        groups, policy = situation[resident["_id"]]
        for event in parked:
            if event.resident_id == resident["_id"] and event.kind in MANDATORY_KINDS:
                plan = mandatory_task(resident["_id"], groups, event.kind, event.date, event.id, policy)
                if plan:
                    planned.append((plan, resident, None))
    await tasks.create_tasks(tx, planned, ctx.clock.now())
    await life_events.processed(tx, parked)
