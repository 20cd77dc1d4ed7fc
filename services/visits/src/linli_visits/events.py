"""The visits service's events: small, flat, past tense."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from linli_shared.events import EventData, published

Reason = Literal["routine", "hospitalized", "major_event", "special_situation", "festival", "birthday", "follow_up"]


class TaskFacts(published.TaskFacts, EventData):
    """What notify needs to tell a worker about a task without asking us."""

    reason: Reason


class TaskCreated(TaskFacts):
    TYPE = "linli.visits.task.created.v1"
    source: str | None = None
    urgent: bool = False  # a mandatory visit (五必访) for a hospitalisation or special situation


class TaskAssigned(TaskFacts):
    TYPE = "linli.visits.task.assigned.v1"
    previous_assignee: str | None = None


class TaskCompleted(TaskFacts):
    TYPE = "linli.visits.task.completed.v1"
    visit_id: str


class TaskCancelled(TaskFacts):
    TYPE = "linli.visits.task.cancelled.v1"
    why: str


class TaskOverdue(TaskFacts):
    TYPE = "linli.visits.task.overdue.v1"


class VisitRecorded(EventData):
    TYPE = "linli.visits.visit.recorded.v1"
    visit_id: str
    community_code: str
    resident_id: str
    task_id: str | None
    reason: Reason
    visited_at: datetime
    method: Literal["in_person", "phone", "video"]
    met: bool
    visitor: str
    needs_found: int
    aid_total_cny: float


class NeedReported(EventData):
    TYPE = "linli.visits.need.reported.v1"
    need_id: str
    community_code: str
    resident_id: str
    visit_id: str
    category: str
    urgent: bool


class NeedResolved(EventData):
    TYPE = "linli.visits.need.resolved.v1"
    need_id: str
    community_code: str
    resident_id: str
    resolved_by: str
