"""A worker's list for the day, as plain functions over the visits API's tasks (dicts as TaskOut gives them)."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

# 五必访: the mandatory visits a life event or a circumstance calls for (visits' task reasons).
MANDATORY = frozenset({"hospitalized", "major_event", "special_situation"})


def is_overdue(task: dict, today: date) -> bool:
    return task["status"] == "overdue" or date.fromisoformat(task["due_by"]) < today


def due_now(task: dict, today: date) -> bool:
    """Its window has opened (a task not yet due waits for its day) and it is still to be done."""
    return task["status"] in ("open", "overdue") and date.fromisoformat(task["due_from"]) <= today


def for_me(task: dict, staff_id: str) -> bool:
    """Mine, or no one's yet: an unassigned task is the community's and any worker may take it."""
    return task.get("assignee") in (None, staff_id)


def worklist(tasks: list[dict], today: date, staff_id: str) -> list[dict]:
    """Today's and overdue tasks, nearest due first (overdue ones, most overdue first, lead), a mandatory visit
    before a routine one due the same day. `tasks` come nearest due first already (one page of the visits API):
    this keeps a worker's own and re-orders within a day."""
    chosen = [task for task in tasks if due_now(task, today) and for_me(task, staff_id)]
    return sorted(chosen, key=lambda t: (t["due_by"], t["reason"] not in MANDATORY, t["resident_name"]))


def today(zone: str = "Asia/Shanghai") -> date:
    return datetime.now(ZoneInfo(zone)).date()


def now(zone: str = "Asia/Shanghai") -> str:
    """The moment a visit is recorded, RFC 3339 with the committee's offset."""
    return datetime.now(ZoneInfo(zone)).replace(microsecond=0).isoformat()
