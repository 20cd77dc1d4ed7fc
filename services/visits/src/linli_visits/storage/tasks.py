"""Tasks: created once per stable key, moved through their states with exactly one event per move."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from linli_shared.outbox import Tx

from linli_visits.domain.rules import TaskPlan
from linli_visits.events import TaskAssigned, TaskCreated, TaskFacts
from linli_visits.storage.indexes import TASKS

URGENT_REASONS = {"hospitalized", "special_situation"}
PENDING = ("open", "overdue")


def task_facts(task: dict[str, Any]) -> dict[str, Any]:
    return {"task_id": task["_id"], "community_code": task["community_code"], "resident_id": task["resident_id"],
            "resident_name": task["resident_name"], "reason": task["reason"], "due_from": task["due_from"],
            "due_by": task["due_by"], "assignee": task.get("assignee")}


def emit(tx: Tx, task: dict[str, Any], event: type[TaskFacts], **extra: Any) -> None:
    tx.emit(event(**task_facts(task), **extra), subject=task["_id"], community=task["community_code"],
            aggregate_version=task["version"])


def task_doc(plan: TaskPlan, resident: dict[str, Any], now: datetime, assignee: str | None) -> dict[str, Any]:
    return {"_id": plan.key, "community_code": resident["community_code"], "resident_id": plan.resident_id,
            "resident_name": resident["name"], "reason": plan.reason, "due_from": plan.due_from.isoformat(),
            "due_by": plan.due_by.isoformat(), "status": "open", "assignee": assignee, "source": plan.source,
            "created_at": now, "version": 1}


async def create_tasks(tx: Tx, planned: list[tuple[TaskPlan, dict[str, Any], str | None]], now: datetime) -> int:
    """Insert the plans whose key is new; a key seen before (open, done or cancelled) is never re-created."""
    if not planned:
        return 0
    keys = [plan.key for plan, _, _ in planned]
    existing = {d["_id"] for d in await tx.db[TASKS].find({"_id": {"$in": keys}}, {"_id": 1},
                                                          session=tx.session).to_list()}
    fresh = {plan.key: task_doc(plan, resident, now, assignee) for plan, resident, assignee in planned
             if plan.key not in existing}
    if fresh:
        await tx.db[TASKS].insert_many(list(fresh.values()), session=tx.session)
        for task in fresh.values():
            emit(tx, task, TaskCreated, source=task["source"], urgent=task["reason"] in URGENT_REASONS)
    return len(fresh)


async def move(tx: Tx, task: dict[str, Any], to_status: str, event: type[TaskFacts], now: datetime,
               **extra: Any) -> dict[str, Any] | None:
    """Change a task's status only from the status we read; None if someone else moved it first."""
    changes = {"status": to_status, "updated_at": now, "version": task["version"] + 1}
    result = await tx.db[TASKS].update_one({"_id": task["_id"], "status": task["status"], "version": task["version"]},
                                           {"$set": changes}, session=tx.session)
    if not result.modified_count:
        return None
    task = {**task, **changes}
    emit(tx, task, event, **extra)
    return task


async def reassign(tx: Tx, task: dict[str, Any], assignee: str | None, now: datetime) -> dict[str, Any] | None:
    """Give a task to someone (or no one), with its `task.assigned` event; None if it moved meanwhile."""
    result = await tx.db[TASKS].update_one({"_id": task["_id"], "version": task["version"]},
                                           {"$set": {"assignee": assignee}}, session=tx.session)
    if not result.modified_count:
        return None
    return await move(tx, {**task, "assignee": assignee}, task["status"], TaskAssigned, now,
                      previous_assignee=task.get("assignee"))
