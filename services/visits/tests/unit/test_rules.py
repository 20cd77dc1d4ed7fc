from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from linli_visits.domain.calendar import Festival
from linli_visits.domain.policy import MandatoryEvent, Reason, VisitPolicy, default_policy
from linli_visits.domain.rules import (
    TaskPlan,
    birthday_task,
    festival_task,
    follow_up_task,
    is_future_visit,
    mandatory_task,
    routine_task,
)

POLICY = default_policy()
ELDER_85 = ["residents", "elderly_60", "elderly_80"]
LIVING_ALONE_85 = [*ELDER_85, "living_alone_elderly"]
ELDER_70 = ["residents", "elderly_60"]
CADRE_65 = ["residents", "elderly_60", "retired_cadres"]
BEIJING = timezone(timedelta(hours=8))


def _plan(key: str, reason: Reason, due_from: date, due_by: date, source: str | None = None) -> TaskPlan:
    return TaskPlan(key=key, resident_id="r1", reason=reason, due_from=due_from, due_by=due_by, source=source)


def test_routine_due_a_cadence_after_the_last_visit() -> None:
    plan = routine_task("r1", LIVING_ALONE_85, date(2025, 3, 1), date(2020, 1, 1), date(2025, 3, 5), POLICY)
    assert plan == _plan("routine:r1:2025-03-01", "routine", date(2025, 3, 1), date(2025, 3, 8))


def test_routine_counts_from_known_since_when_never_visited() -> None:
    plan = routine_task("r1", ["empty_nest_households"], None, date(2025, 1, 10), date(2025, 1, 10), POLICY)
    assert plan == _plan("routine:r1:2025-01-10", "routine", date(2025, 1, 10), date(2025, 2, 9))


def test_no_routine_task_without_a_cadence() -> None:
    assert routine_task("r1", ELDER_85, None, date(2025, 1, 10), date(2025, 3, 1), POLICY) is None


def test_routine_refuses_a_base_after_today() -> None:
    with pytest.raises(ValueError, match="2025-03-02 is after today 2025-03-01"):
        routine_task("r1", LIVING_ALONE_85, date(2025, 3, 2), date(2020, 1, 1), date(2025, 3, 1), POLICY)


@pytest.mark.parametrize(
    ("kind", "due_by"),
    [
        ("hospitalized", date(2025, 6, 13)),
        ("major_event", date(2025, 6, 13)),
        ("special_situation", date(2025, 6, 12)),
    ],
)
def test_mandatory_visit_for_an_80_plus_resident(kind: MandatoryEvent, due_by: date) -> None:
    plan = mandatory_task("r1", ELDER_85, kind, date(2025, 6, 10), "ev-7", POLICY)
    assert plan == _plan(f"{kind}:ev-7", kind, date(2025, 6, 10), due_by, source="ev-7")


def test_no_mandatory_visit_for_a_70_year_old_non_cadre() -> None:
    assert mandatory_task("r1", ELDER_70, "hospitalized", date(2025, 6, 10), "ev-7", POLICY) is None


def test_mandatory_visit_for_a_retired_cadre_of_65() -> None:
    plan = mandatory_task("r1", CADRE_65, "hospitalized", date(2025, 6, 10), "ev-7", POLICY)
    assert plan == _plan("hospitalized:ev-7", "hospitalized", date(2025, 6, 10), date(2025, 6, 13), source="ev-7")


def test_mandatory_window_follows_the_policy() -> None:
    policy = VisitPolicy(hospitalized_days=0)
    plan = mandatory_task("r1", ELDER_85, "hospitalized", date(2025, 6, 10), "ev-7", policy)
    assert plan == _plan("hospitalized:ev-7", "hospitalized", date(2025, 6, 10), date(2025, 6, 10), source="ev-7")


def test_same_inputs_give_the_same_key() -> None:
    first, again = (mandatory_task("r1", ELDER_85, "major_event", date(2025, 6, 10), "ev-7", POLICY) for _ in "12")
    assert first == again == _plan("major_event:ev-7", "major_event", date(2025, 6, 10), date(2025, 6, 13), "ev-7")
    # Run daily, the routine rule keeps naming the same task, overdue or not, until a visit happens.
    early, late = (routine_task("r1", LIVING_ALONE_85, None, date(2025, 1, 1), day, POLICY)
                   for day in (date(2025, 1, 2), date(2025, 1, 30)))
    assert early == late == _plan("routine:r1:2025-01-01", "routine", date(2025, 1, 1), date(2025, 1, 8))


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2025, 5, 2), None),  # the day before the notice period
        (date(2025, 5, 3), (date(2025, 5, 17), date(2025, 5, 23))),  # 14 days before the window opens
        (date(2025, 5, 23), (date(2025, 5, 17), date(2025, 5, 23))),  # last day of the window
        (date(2025, 5, 24), None),  # window closed, next year's is far away
        (date(2026, 5, 3), (date(2026, 5, 17), date(2026, 5, 23))),
    ],
)
def test_birthday_task_appears_the_notice_period_before_its_window(
    today: date, expected: tuple[date, date] | None
) -> None:
    plan = birthday_task("r1", ELDER_85, date(1945, 5, 20), "solar", today, POLICY)
    if expected is None:
        assert plan is None
    else:
        birthday = expected[0] + timedelta(days=3)
        assert plan == _plan(f"birthday:r1:{birthday.isoformat()}", "birthday", *expected)


@pytest.mark.parametrize(
    ("today", "birthday"),
    [(date(2025, 9, 19), date(2025, 10, 6)), (date(2026, 9, 8), date(2026, 9, 25))],
)
def test_lunar_birthday_task_in_two_years(today: date, birthday: date) -> None:
    """Born 1946-09-10, lunar 8/15: celebrated 2025-10-06 and 2026-09-25."""
    plan = birthday_task("r1", CADRE_65, date(1946, 9, 10), "lunar", today, POLICY)
    window = (birthday - timedelta(days=3), birthday + timedelta(days=3))
    assert plan == _plan(f"birthday:r1:{birthday.isoformat()}", "birthday", *window)


def test_no_birthday_task_without_mandatory_visits() -> None:
    assert birthday_task("r1", ELDER_70, date(1955, 5, 20), "solar", date(2025, 5, 20), POLICY) is None


def test_birthday_notice_follows_the_policy() -> None:
    policy = VisitPolicy(birthday_notice_days=0, birthday_days_either_side=0)
    assert birthday_task("r1", ELDER_85, date(1945, 5, 20), "solar", date(2025, 5, 19), policy) is None
    plan = birthday_task("r1", ELDER_85, date(1945, 5, 20), "solar", date(2025, 5, 20), policy)
    assert plan == _plan("birthday:r1:2025-05-20", "birthday", date(2025, 5, 20), date(2025, 5, 20))


@pytest.mark.parametrize(
    ("festival", "year", "due_from", "due_by"),
    [
        ("spring_festival", 2026, date(2026, 2, 10), date(2026, 2, 20)),
        ("national_day", 2025, date(2025, 9, 24), date(2025, 10, 4)),
        ("double_ninth", 2025, date(2025, 10, 22), date(2025, 11, 1)),
    ],
)
def test_festival_window(festival: Festival, year: int, due_from: date, due_by: date) -> None:
    plan = festival_task("r1", "camp-3", festival, year, POLICY)
    assert plan == _plan("festival:camp-3:r1", "festival", due_from, due_by, source="camp-3")


def test_festival_window_follows_the_policy() -> None:
    plan = festival_task("r1", "camp-3", "july_first", 2025, VisitPolicy(festival_days_before=0, festival_days_after=0))
    assert (plan.due_from, plan.due_by) == (date(2025, 7, 1), date(2025, 7, 1))


def test_follow_up_a_month_after_the_placement() -> None:
    plan = follow_up_task("r1", "pl-9", date(2025, 4, 1), POLICY)
    assert plan == _plan("follow_up:pl-9", "follow_up", date(2025, 5, 1), date(2025, 5, 8), source="pl-9")


def test_task_window_must_not_close_before_it_opens() -> None:
    with pytest.raises(ValidationError, match="due_by 2025-05-01 is before due_from 2025-05-02"):
        _plan("k", "routine", date(2025, 5, 2), date(2025, 5, 1))


NOW = datetime(2025, 5, 8, 9, 0, tzinfo=BEIJING)


@pytest.mark.parametrize(
    ("visited_at", "expected"),
    [
        (NOW - timedelta(days=1), False),
        (NOW + timedelta(minutes=5), False),  # within the allowed clock skew
        (NOW + timedelta(minutes=5, seconds=1), True),
        (datetime(2025, 5, 8, 1, 4, tzinfo=UTC), False),  # 09:04 in Beijing
        (datetime(2025, 5, 8, 1, 6, tzinfo=UTC), True),
    ],
)
def test_is_future_visit(visited_at: datetime, expected: bool) -> None:
    assert is_future_visit(visited_at, NOW) is expected


@pytest.mark.parametrize(
    ("visited_at", "now", "name"),
    [(datetime(2025, 5, 8, 9, 0), NOW, "visited_at"), (NOW, datetime(2025, 5, 8, 9, 0), "now")],
)
def test_is_future_visit_refuses_naive_datetimes(visited_at: datetime, now: datetime, name: str) -> None:
    with pytest.raises(ValueError, match=f"{name} must be timezone-aware"):
        is_future_visit(visited_at, now)


def test_a_second_routine_visit_on_the_same_day_still_plans_a_fresh_task():
    groups = ["living_alone_elderly", "elderly_60"]
    day = date(2026, 3, 1)
    first = routine_task("r1", groups, day, date(2026, 1, 1), day, default_policy(), last_visit_id="v1")
    second = routine_task("r1", groups, day, date(2026, 1, 1), day, default_policy(), last_visit_id="v2")
    assert (first.key, second.key) == ("routine:r1:after:v1", "routine:r1:after:v2")
    assert first.due_by == second.due_by == date(2026, 3, 15)
