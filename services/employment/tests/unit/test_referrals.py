from __future__ import annotations

from datetime import date

import pytest

from linli_employment.domain.referrals import (
    FOLLOW_UP_DAYS,
    TransitionError,
    due_follow_ups,
    follow_up_schedule,
    job_status_after_hire,
    next_status,
)
from linli_employment.domain.vocabulary import JobStatus, ReferralOutcome, ReferralStatus

ALLOWED: list[tuple[ReferralStatus, ReferralOutcome]] = [
    ("referred", "interviewed"),
    ("referred", "hired"),
    ("referred", "rejected"),
    ("referred", "declined"),
    ("referred", "no_show"),
    ("interviewed", "hired"),
    ("interviewed", "rejected"),
    ("interviewed", "declined"),
]
OUTCOMES: list[ReferralOutcome] = ["interviewed", "hired", "rejected", "declined", "no_show"]
STATUSES: list[ReferralStatus] = ["referred", "interviewed", "hired", "rejected", "declined", "no_show"]
REFUSED = [(status, outcome) for status in STATUSES for outcome in OUTCOMES if (status, outcome) not in ALLOWED]
START = date(2025, 1, 31)


@pytest.mark.parametrize(("current", "outcome"), ALLOWED)
def test_allowed_outcome_becomes_the_status(current: ReferralStatus, outcome: ReferralOutcome) -> None:
    assert next_status(current, outcome) == outcome


@pytest.mark.parametrize(("current", "outcome"), REFUSED)
def test_refused_outcome_names_both(current: ReferralStatus, outcome: ReferralOutcome) -> None:
    with pytest.raises(TransitionError) as refused:
        next_status(current, outcome)
    assert str(refused.value) == f"cannot record outcome '{outcome}' on a referral that is '{current}'"
    assert refused.value.code == "referral.outcome.invalid_transition"


def test_the_refusals_are_the_other_22_pairs() -> None:
    # 6 statuses × 5 outcomes, of which 8 are allowed: a no-show after an interview or a second interview is refused.
    assert len(REFUSED) == 22
    assert ("interviewed", "no_show") in REFUSED and ("interviewed", "interviewed") in REFUSED


def test_follow_up_schedule_from_the_start_date() -> None:
    assert FOLLOW_UP_DAYS == (30, 90, 180)
    assert follow_up_schedule(START) == [(30, date(2025, 3, 2)), (90, date(2025, 5, 1)), (180, date(2025, 7, 30))]


def test_follow_up_schedule_across_a_leap_day() -> None:
    assert follow_up_schedule(date(2024, 2, 1)) == [
        (30, date(2024, 3, 2)), (90, date(2024, 5, 1)), (180, date(2024, 7, 30)),
    ]


@pytest.mark.parametrize(
    ("today", "done", "due"),
    [
        (date(2025, 1, 31), [], []),
        (date(2025, 3, 1), [], []),
        (date(2025, 3, 2), [], [30]),
        (date(2025, 4, 30), [30], []),
        (date(2025, 5, 1), [30], [90]),
        (date(2025, 5, 1), [], [30, 90]),  # a missed 回访 stays due
        (date(2025, 7, 30), [90], [30, 180]),
        (date(2025, 12, 31), [30, 90, 180], []),
        (date(2025, 12, 31), [180, 7], [30, 90]),  # days that are no check are ignored
    ],
)
def test_due_follow_ups(today: date, done: list[int], due: list[int]) -> None:
    assert due_follow_ups(START, done, today) == due


def test_due_follow_ups_accept_any_iterable_of_done_checks() -> None:
    assert due_follow_ups(START, iter([30]), date(2025, 5, 1)) == [90]


@pytest.mark.parametrize(
    ("headcount", "hires", "status"),
    [(1, 0, "open"), (1, 1, "filled"), (3, 2, "open"), (3, 3, "filled"), (3, 4, "filled")],
)
def test_job_filled_at_headcount(headcount: int, hires: int, status: JobStatus) -> None:
    assert job_status_after_hire(headcount, hires) == status


@pytest.mark.parametrize(("headcount", "hires"), [(0, 0), (2, -1)])
def test_job_status_refuses_impossible_counts(headcount: int, hires: int) -> None:
    with pytest.raises(ValueError, match=f"headcount {headcount} must be at least 1 and hires {hires} not negative"):
        job_status_after_hire(headcount, hires)
