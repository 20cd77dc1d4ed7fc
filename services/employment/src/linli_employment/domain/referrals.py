"""Referrals (推荐就业): the outcome state machine, the follow-up schedule of a placement, filling a post."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from linli_employment.domain.vocabulary import JobStatus, ReferralOutcome, ReferralStatus

# An interview can still end in any decision; a decision is final.
TRANSITIONS: dict[ReferralStatus, set[ReferralOutcome]] = {
    "referred": {"interviewed", "hired", "rejected", "declined", "no_show"},
    "interviewed": {"hired", "rejected", "declined"},
    "hired": set(),
    "rejected": set(),
    "declined": set(),
    "no_show": set(),
}
FOLLOW_UP_DAYS = (30, 90, 180)  # 回访 at 30 days after the start date, retention checks at 90 and 180


class TransitionError(ValueError):
    code: str = "referral.outcome.invalid_transition"


def next_status(current: ReferralStatus, outcome: ReferralOutcome) -> ReferralStatus:
    """The referral's status once `outcome` is recorded; refuses an outcome the status does not allow."""
    if outcome not in TRANSITIONS[current]:
        raise TransitionError(f"cannot record outcome {outcome!r} on a referral that is {current!r}")
    return outcome


def follow_up_schedule(start_date: date) -> list[tuple[int, date]]:
    """(days after the start, date) of every follow-up of a placement."""
    return [(days, start_date + timedelta(days=days)) for days in FOLLOW_UP_DAYS]


def due_follow_ups(start_date: date, done: Iterable[int], today: date) -> list[int]:
    """The follow-ups (in days after the start) due on or before `today` and not yet done, ascending."""
    finished = set(done)
    return [days for days, due in follow_up_schedule(start_date) if due <= today and days not in finished]


def job_status_after_hire(headcount: int, hires: int) -> JobStatus:
    """A posting is filled once it has hired its headcount (招聘人数)."""
    if headcount < 1 or hires < 0:
        raise ValueError(f"headcount {headcount} must be at least 1 and hires {hires} not negative")
    return "filled" if hires >= headcount else "open"
