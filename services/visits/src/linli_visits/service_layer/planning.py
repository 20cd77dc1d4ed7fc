"""Which tasks should exist for a resident: routine cadence, birthday, mandatory visits, and cancellations."""
from __future__ import annotations

from datetime import date
from typing import Any

from linli_shared.outbox import Tx

from linli_visits.domain.policy import VisitPolicy
from linli_visits.domain.rules import TaskPlan, birthday_task, mandatory_task, routine_task
from linli_visits.events import TaskCancelled
from linli_visits.service_layer.context import Visits
from linli_visits.storage import tasks
from linli_visits.storage.indexes import LIFE_EVENTS, PAIRINGS, TASKS
from linli_visits.storage.projection import groups_today

MANDATORY_KINDS = ("hospitalized", "major_event", "special_situation")


def standing_plans(resident: dict[str, Any], groups: list[str], today: date, policy: VisitPolicy) -> list[TaskPlan]:
    """The routine and birthday tasks a resident should have today."""
    routine = routine_task(resident["_id"], groups, _date(resident.get("last_routine_visit")),
                           _date(resident["known_since"]), today, policy, resident.get("last_routine_visit_id"))
    birthday = birthday_task(resident["_id"], groups, _date(resident["birth_date"]),
                             resident.get("birthday_calendar") or "solar", today, policy)
    return [plan for plan in (routine, birthday) if plan]


def _date(value: Any) -> date | None:
    return date.fromisoformat(str(value)) if value else None


async def paired_volunteer(tx: Tx, resident_id: str) -> str | None:
    pairing = await tx.db[PAIRINGS].find_one({"elder_id": resident_id, "active": True}, session=tx.session)
    return f"volunteer:{pairing['volunteer_id']}" if pairing else None


async def plan_resident(ctx: Visits, tx: Tx, resident: dict[str, Any]) -> None:
    """Bring one resident's standing tasks up to date (on registry events, and after a routine visit)."""
    today = ctx.clock.today()
    policy = await ctx.policy(resident["community_code"], tx.session)
    groups = await groups_today(tx.db, resident, today, ctx.rules, tx.session)
    plans = standing_plans(resident, groups, today, policy)
    volunteer = await paired_volunteer(tx, resident["_id"])
    await retire_stale_routine(ctx, tx, resident["_id"], next((p.key for p in plans if p.reason == "routine"), None))
    await tasks.create_tasks(tx, [(p, resident, volunteer if p.reason == "routine" else None) for p in plans],
                             ctx.clock.now())


async def retire_stale_routine(ctx: Visits, tx: Tx, resident_id: str, keep: str | None) -> None:
    """One routine task at a time: a changed cadence or group cancels the old one."""
    stale = await tx.db[TASKS].find({"resident_id": resident_id, "reason": "routine",
                                     "status": {"$in": list(tasks.PENDING)}, "_id": {"$ne": keep}},
                                    session=tx.session).to_list()
    for task in stale:
        await tasks.move(tx, task, "cancelled", TaskCancelled, ctx.clock.now(), why="cadence_changed")


async def cancel_pending(ctx: Visits, tx: Tx, resident_id: str, why: str) -> int:
    """A resident who moved out or died: nothing pending for them stays on anyone's list."""
    pending = await tx.db[TASKS].find({"resident_id": resident_id, "status": {"$in": list(tasks.PENDING)}},
                                      session=tx.session).to_list()
    moved = [await tasks.move(tx, task, "cancelled", TaskCancelled, ctx.clock.now(), why=why) for task in pending]
    return sum(1 for task in moved if task)


async def apply_life_events(ctx: Visits, tx: Tx, resident: dict[str, Any]) -> None:
    """Mandatory visits (五必访) for life events recorded while or before we knew the resident."""
    parked = await tx.db[LIFE_EVENTS].find({"resident_id": resident["_id"], "processed": False},
                                           session=tx.session).to_list()
    if not parked:
        return
    policy = await ctx.policy(resident["community_code"], tx.session)
    groups = await groups_today(tx.db, resident, ctx.clock.today(), ctx.rules, tx.session)
    plans = [mandatory_task(resident["_id"], groups, e["kind"], _date(e["date"]), e["_id"], policy)
             for e in parked if e["kind"] in MANDATORY_KINDS]
    await tasks.create_tasks(tx, [(p, resident, None) for p in plans if p], ctx.clock.now())
    await tx.db[LIFE_EVENTS].update_many({"_id": {"$in": [e["_id"] for e in parked]}},
                                         {"$set": {"processed": True}}, session=tx.session)
