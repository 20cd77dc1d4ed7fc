"""Tasks: created once per stable key, moved through their states with exactly one event per move."""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Literal

from linli_shared.auth import Access, Principal
from linli_shared.errors import Problem
from linli_shared.mongo import find_authorized
from linli_shared.outbox import Tx
from linli_shared.pagination import decode_cursor, encode_cursor, page_by_id
from linli_shared.store_shapes import find_sorted_on, without_scope

from linli_visits.domain.policy import Reason
from linli_visits.domain.rules import TaskPlan
from linli_visits.events import TaskAssigned, TaskCompleted, TaskCreated, TaskFacts
from linli_visits.storage.indexes import TASKS
from linli_visits.storage.stored import Day, Stored

URGENT_REASONS = {"hospitalized", "special_situation"}
PENDING = ("open", "overdue")
BY_DUE = (("due_by", 1), ("_id", 1))  # the worker's order, served by the `by_due` index
Status = Literal["open", "overdue", "completed", "cancelled"]


class Task(Stored):
    community_code: str
    resident_id: str
    resident_name: str
    reason: Reason
    due_from: Day
    due_by: Day
    status: Status
    assignee: str | None = None
    source: str | None = None
    visit_id: str | None = None  # the visit that completed it
    created_at: datetime
    updated_at: datetime | None = None
    version: int


def task_facts(task: Task) -> dict[str, Any]:
    return {"task_id": task.id, "community_code": task.community_code, "resident_id": task.resident_id,
            "resident_name": task.resident_name, "reason": task.reason, "due_from": task.due_from,
            "due_by": task.due_by, "assignee": task.assignee}


def emit(tx: Tx, task: Task, event: type[TaskFacts], **extra: Any) -> None:
    tx.emit(event(**task_facts(task), **extra), subject=task.id, community=task.community_code,
            aggregate_version=task.version)


def new_task(plan: TaskPlan, resident: Mapping[str, Any], now: datetime, assignee: str | None) -> Task:
    return Task(id=plan.key, community_code=resident["community_code"], resident_id=plan.resident_id,
                resident_name=resident["name"], reason=plan.reason, due_from=plan.due_from, due_by=plan.due_by,
                status="open", assignee=assignee, source=plan.source, created_at=now, version=1)


async def create_tasks(tx: Tx, planned: list[tuple[TaskPlan, Mapping[str, Any], str | None]], now: datetime) -> int:
    """Insert the plans whose key is new; a key seen before (open, done or cancelled) is never re-created."""
    if not planned:
        return 0
    keys = [plan.key for plan, _, _ in planned]
    existing = {d["_id"] for d in await tx.db[TASKS].find({"_id": {"$in": keys}}, {"_id": 1},
                                                          session=tx.session).to_list()}
    fresh = {plan.key: new_task(plan, resident, now, assignee) for plan, resident, assignee in planned
             if plan.key not in existing}
    if fresh:
        await tx.db[TASKS].insert_many([task.document() for task in fresh.values()], session=tx.session)
        for task in fresh.values():
            emit(tx, task, TaskCreated, source=task.source, urgent=task.reason in URGENT_REASONS)
    return len(fresh)


async def move(tx: Tx, task: Task, to_status: Status, event: type[TaskFacts], now: datetime,
               **extra: Any) -> Task | None:
    """Change a task's status only from the status we read; None if someone else moved it first."""
    changes = {"status": to_status, "updated_at": now, "version": task.version + 1}
    result = await tx.db[TASKS].update_one({"_id": task.id, "status": task.status, "version": task.version},
                                           {"$set": changes}, session=tx.session)
    if not result.modified_count:
        return None
    task = task.model_copy(update=changes)
    emit(tx, task, event, **extra)
    return task


async def complete(tx: Tx, task: Task, visit_id: str, now: datetime) -> None:
    """Completed by a visit, which the task then names (even if someone else moved it meanwhile)."""
    await move(tx, task, "completed", TaskCompleted, now, visit_id=visit_id)
    await tx.db[TASKS].update_one({"_id": task.id}, {"$set": {"visit_id": visit_id}}, session=tx.session)


async def reassign(tx: Tx, task: Task, assignee: str | None, now: datetime) -> Task | None:
    """Give a task to someone (or no one), with its `task.assigned` event; None if it moved meanwhile."""
    result = await tx.db[TASKS].update_one({"_id": task.id, "version": task.version},
                                           {"$set": {"assignee": assignee}}, session=tx.session)
    if not result.modified_count:
        return None
    return await move(tx, task.model_copy(update={"assignee": assignee}), task.status, TaskAssigned, now,
                      previous_assignee=task.assignee)


async def authorized(db: Any, task_id: str, principal: Principal, access: Access) -> Task:
    return Task.model_validate(await find_authorized(db[TASKS], task_id, principal, access, "visit task",
                                                     "task.not_found"))


async def get(tx: Tx, task_id: str) -> Task | None:
    doc = await tx.db[TASKS].find_one({"_id": task_id}, session=tx.session)
    return None if doc is None else Task.model_validate(doc)


async def _pending(tx: Tx, query: dict[str, Any]) -> list[Task]:
    docs = await tx.db[TASKS].find({**query, "status": {"$in": list(PENDING)}}, session=tx.session).to_list()
    return [Task.model_validate(doc) for doc in docs]


async def pending_of(tx: Tx, resident_id: str) -> list[Task]:
    return await _pending(tx, {"resident_id": resident_id})


async def pending_routine(tx: Tx, resident_ids: list[str]) -> list[Task]:
    return await _pending(tx, {"resident_id": {"$in": resident_ids}, "reason": "routine"})


async def unassigned_routine(tx: Tx, resident_id: str) -> list[Task]:
    return await _pending(tx, {"resident_id": resident_id, "reason": "routine", "assignee": None})


async def assigned_to(tx: Tx, resident_id: str, assignee: str) -> list[Task]:
    return await _pending(tx, {"resident_id": resident_id, "assignee": assignee})


async def earliest_pending(tx: Tx, resident_id: str, reason: str) -> Task | None:
    """The pending task of a resident for a reason, the earliest due first."""
    found = await tx.db[TASKS].find({"resident_id": resident_id, "reason": reason, "status": {"$in": list(PENDING)}},
                                    session=tx.session).sort("due_by", 1).limit(1).to_list()
    return Task.model_validate(found[0]) if found else None


async def routine_pending_in(db: Any, community: str) -> dict[str, str]:
    """Each resident's pending routine task id, in one read of ids only."""
    return {t["resident_id"]: t["_id"] for t in await db[TASKS].find(
        {"community_code": community, "status": {"$in": list(PENDING)}, "reason": "routine"},
        {"resident_id": 1}).to_list()}


async def open_due_before(db: Any, day: str) -> list[Task]:
    docs = await db[TASKS].find({"status": "open", "due_by": {"$lt": day}}).to_list()
    return [Task.model_validate(doc) for doc in docs]


async def count_overdue(db: Any) -> int:
    return await db[TASKS].count_documents({"status": "overdue"})


async def overdue_in(db: Any, communities: list[str]) -> list[dict[str, Any]]:
    """The overdue tasks of these communities, their resident ids only (the statistics' rows)."""
    return await db[TASKS].find({"community_code": {"$in": communities}, "status": "overdue"},
                                {"resident_id": 1}).to_list()


async def outcome_of(db: Any, source: str) -> tuple[Counter[str], list[str]]:
    """How the tasks a campaign (or any source) made stand, and the visits that completed them."""
    found = await db[TASKS].find({"source": source}, {"status": 1, "visit_id": 1}).to_list()
    return Counter(t["status"] for t in found), [t["visit_id"] for t in found if t.get("visit_id")]


async def page_of_community(db: Any, community: str, limit: int, cursor: str | None, *, status: str | None = None,
                            reason: str | None = None, resident_id: str | None = None, assignee: str | None = None,
                            due_before: date | None = None, window_open_on: date | None = None,
                            by_due: bool = False) -> tuple[list[Task], str | None]:
    """A community's tasks in id order, or nearest due first (`by_due`); "pending" is open or overdue."""
    filters = {"reason": reason, "resident_id": resident_id, "assignee": assignee}
    query = {"community_code": community, **{k: v for k, v in filters.items() if v}}
    if status:
        query["status"] = {"$in": list(PENDING)} if status == "pending" else status
    if due_before:
        query["due_by"] = {"$lt": due_before.isoformat()}
    if window_open_on:
        query["due_from"] = {"$lte": window_open_on.isoformat()}
    if resident_id and not by_due:  # a resident's tasks are all in the resident's community, or none is
        docs, next_cursor = await page_by_id(db[TASKS], without_scope(query), limit, cursor)
        docs = [d for d in docs if d["community_code"] == community]
    else:
        docs, next_cursor = await (_page_by_due if by_due else page_by_id)(db[TASKS], query, limit, cursor)
    return [Task.model_validate(d) for d in docs], next_cursor


async def _page_by_due(collection: Any, query: dict[str, Any], limit: int,
                       cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
    """Keyset pagination on (due_by, _id), on the `by_due` index; the cursor is "due_by|_id".

    After a cursor, the rest of its day (by id) then the days after it: two plain finds, no `$or`.
    """
    docs: list[dict[str, Any]] = []
    later = query
    if (after := _due_position(decode_cursor(cursor))) is not None:
        due_by, task_id = after
        day = query.get("due_by", {})
        docs = await find_sorted_on(collection, "by_due", {**query, "due_by": {**day, "$eq": due_by},
                                                           "_id": {"$gt": task_id}}, BY_DUE, limit + 1)
        later = {**query, "due_by": {**day, "$gt": due_by}}
    if len(docs) <= limit:
        docs += await find_sorted_on(collection, "by_due", later, BY_DUE, limit + 1 - len(docs))
    more = len(docs) > limit
    docs = docs[:limit]
    return docs, encode_cursor(f"{docs[-1]['due_by']}|{docs[-1]['_id']}") if more else None


def _due_position(after: str | None) -> tuple[str, str] | None:
    if after is None:
        return None
    due_by, _, task_id = after.partition("|")
    try:
        date.fromisoformat(due_by)
    except ValueError:
        raise Problem(400, "cursor.invalid", "the cursor is not one this API returned for order=due") from None
    if not task_id:
        raise Problem(400, "cursor.invalid", "the cursor is not one this API returned for order=due")
    return due_by, task_id


async def page_assigned(db: Any, assignee: str, scope: Mapping[str, Any], limit: int, cursor: str | None,
                        status: str | None = None) -> tuple[list[Task], str | None]:
    """An assignee's tasks within `scope` (a token's filter), pending unless a status is asked for."""
    query = {"assignee": assignee, **scope,
             **({"status": status} if status else {"status": {"$in": ["open", "overdue"]}})}
    docs, next_cursor = await page_by_id(db[TASKS], query, limit, cursor)
    return [Task.model_validate(d) for d in docs], next_cursor
