"""The employment service's events: small, flat, past tense. Names and phones stay in the registry's events."""
from __future__ import annotations

from datetime import date, datetime

from linli_shared.events import EventData, published


class SeekerRegistered(EventData):
    """A resident became a job seeker (automatically when out of work, or on registering intentions)."""

    TYPE = "linli.employment.seeker.registered.v1"
    seeker_id: str
    resident_id: str
    community_code: str
    status: str
    priority_groups: list[str]


class SeekerUpdated(EventData):
    TYPE = "linli.employment.seeker.updated.v1"
    seeker_id: str
    resident_id: str
    community_code: str
    status: str
    priority_groups: list[str]
    categories: list[str]


class JobPosted(EventData):
    TYPE = "linli.employment.job.posted.v1"
    job_id: str
    employer_id: str
    community_code: str
    title: str
    category: str
    headcount: int
    wage_min_cny: float
    wage_max_cny: float
    suits_4050: bool
    suits_disabled: bool


class JobUpdated(EventData):
    TYPE = "linli.employment.job.updated.v1"
    job_id: str
    community_code: str
    status: str
    headcount: int
    hires: int


class ReferralMade(published.ReferralMade, EventData):
    TYPE = "linli.employment.referral.made.v1"
    interview_at: datetime | None = None


class ReferralOutcomeRecorded(EventData):
    TYPE = "linli.employment.referral.outcome_recorded.v1"
    referral_id: str
    seeker_id: str
    resident_id: str
    community_code: str
    job_id: str
    outcome: str
    recorded_by: str


class PlacementStarted(EventData):
    TYPE = "linli.employment.placement.started.v1"
    placement_id: str
    referral_id: str
    seeker_id: str
    resident_id: str
    community_code: str
    job_id: str
    start_date: date
    wage_cny: float
    referred_by: str


class PlacementFollowupDue(EventData):
    """回访 at 30 days, retention checks at 90 and 180: visits plans the visit, notify tells the worker."""

    TYPE = "linli.employment.placement.followup_due.v1"
    placement_id: str
    resident_id: str
    seeker_id: str
    community_code: str
    start_date: date
    due_date: date
    check_day: int
    referred_by: str


class TrainingCompleted(EventData):
    TYPE = "linli.employment.training.completed.v1"
    enrollment_id: str
    training_id: str
    resident_id: str
    community_code: str
    cohort: str
    certificate: str | None = None
