"""Which visit tasks should exist, and when they are due. Pure: storage creates the tasks.

Every plan has a stable key built from its rule and inputs, so running a rule again (daily,
or after a retried event) finds the task it already made instead of making a second one.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict, model_validator

from linli_visits.domain.calendar import CalendarKind, Festival, festival_date, next_birthday
from linli_visits.domain.policy import (
    MandatoryEvent,
    Reason,
    VisitPolicy,
    gets_mandatory_visits,
    mandatory_window_days,
    routine_cadence,
)

FOLLOW_UP_WINDOW_DAYS = 7  # a week to reach both the employer and the resident (回访)
CLOCK_SKEW = timedelta(minutes=5)  # devices' clocks run a little ahead; tolerate that much


class TaskPlan(BaseModel):
    """A task that should exist; its window runs from due_from to due_by, both inclusive."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    resident_id: str
    reason: Reason
    due_from: date
    due_by: date  # after this day the task is overdue
    source: str | None = None  # life event, campaign or placement id

    @model_validator(mode="after")
    def _window_in_order(self) -> TaskPlan:
        if self.due_by < self.due_from:
            raise ValueError(f"due_by {self.due_by} is before due_from {self.due_from}")
        return self


def routine_task(
    resident_id: str,
    groups: Iterable[str],
    last_visit: date | None,
    known_since: date,
    today: date,
    policy: VisitPolicy,
    last_visit_id: str | None = None,
) -> TaskPlan | None:
    """The next routine visit: due within `cadence` days of the last completed visit.

    Someone never visited counts from `known_since` (registration or joining a group). The key names
    the visit it follows, so a second visit on the same day still yields a fresh next task.
    """
    cadence = routine_cadence(policy, groups)
    if cadence is None:
        return None
    base = last_visit or known_since
    if base > today:
        raise ValueError(f"last visit or known_since {base} is after today {today}")
    return TaskPlan(
        key=f"routine:{resident_id}:" + (f"after:{last_visit_id}" if last_visit_id else base.isoformat()),
        resident_id=resident_id,
        reason="routine",
        due_from=base,
        due_by=base + timedelta(days=cadence),
    )


def mandatory_task(
    resident_id: str,
    groups: Iterable[str],
    kind: MandatoryEvent,
    event_date: date,
    life_event_id: str,
    policy: VisitPolicy,
) -> TaskPlan | None:
    """A 五必访 visit after a hospital stay, major family event or special situation."""
    if not gets_mandatory_visits(policy, groups):
        return None
    return TaskPlan(
        key=f"{kind}:{life_event_id}",
        resident_id=resident_id,
        reason=kind,
        due_from=event_date,
        due_by=event_date + timedelta(days=mandatory_window_days(policy, kind)),
        source=life_event_id,
    )


def birthday_task(
    resident_id: str,
    groups: Iterable[str],
    birth_date: date,
    calendar: CalendarKind,
    today: date,
    policy: VisitPolicy,
) -> TaskPlan | None:
    """The birthday visit, once it is `birthday_notice_days` away from its window opening."""
    if not gets_mandatory_visits(policy, groups):
        return None
    either_side = timedelta(days=policy.birthday_days_either_side)
    # A birthday whose window is still open counts as the next one.
    birthday = next_birthday(birth_date, calendar, today - either_side)
    opens = birthday - either_side
    if today < opens - timedelta(days=policy.birthday_notice_days):
        return None
    return TaskPlan(
        key=f"birthday:{resident_id}:{birthday.isoformat()}",
        resident_id=resident_id,
        reason="birthday",
        due_from=opens,
        due_by=birthday + either_side,
    )


def festival_task(
    resident_id: str, campaign_id: str, festival: Festival, year: int, policy: VisitPolicy
) -> TaskPlan:
    """A festival visit (慰问) for one resident a campaign selected."""
    day = festival_date(festival, year)
    return TaskPlan(
        key=f"festival:{campaign_id}:{resident_id}",
        resident_id=resident_id,
        reason="festival",
        due_from=day - timedelta(days=policy.festival_days_before),
        due_by=day + timedelta(days=policy.festival_days_after),
        source=campaign_id,
    )


def follow_up_task(resident_id: str, placement_id: str, start_date: date, policy: VisitPolicy) -> TaskPlan:
    """The 回访 some weeks after a job placement starts."""
    due_from = start_date + timedelta(days=policy.follow_up_days)
    return TaskPlan(
        key=f"follow_up:{placement_id}",
        resident_id=resident_id,
        reason="follow_up",
        due_from=due_from,
        due_by=due_from + timedelta(days=FOLLOW_UP_WINDOW_DAYS),
        source=placement_id,
    )


def is_future_visit(visited_at: datetime, now: datetime) -> bool:
    """Whether a reported visit time is later than now allows, beyond clock skew."""
    for name, moment in (("visited_at", visited_at), ("now", now)):
        if moment.utcoffset() is None:
            raise ValueError(f"{name} must be timezone-aware")
    return visited_at - now > CLOCK_SKEW
