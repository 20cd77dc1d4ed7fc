"""What consumers read of other services' events: one model per published shape, for every consumer.

The producer's own model (its `events.py`, published as docs/events/) is the contract; these read the part
of it some consumer needs, typed loosely enough that a compatible change (a new field, a new value) is not
refused, with the defaults the consumers have always read. Each consumer keeps only the fields it needs:
its `handlers/inbound.py` names them. Where a producer publishes exactly such a shape, its model takes
the fields from here and only narrows a type (`class StaffUpserted(published.Staff, EventData)`; EventData
last, so its config, `extra="forbid"` in the schema, wins).
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class Published(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


# The registry's.

class Org(Published):
    code: str
    name: str
    level: str
    parent: str | None = None


class Staff(Published):
    staff_id: str
    org_code: str
    name: str
    role: str
    phone: str | None = None
    email: str | None = None
    wecom_userid: str | None = None
    active: bool = True


class HouseholdState(Published):
    household_id: str
    community_code: str
    address: dict[str, Any]
    grid: str | None = None
    low_income: bool = False
    low_income_since: date | None = None

    def low_income_periods(self) -> list[dict[str, str | None]]:
        """The allowance as the periods `linli_shared.domain.groups` reads (open while it lasts)."""
        if not (self.low_income and self.low_income_since):
            return []
        return [{"start": self.low_income_since.isoformat(), "end": None}]


class ResidentState(Published):
    """A resident's whole state, carried by every event in RESIDENT_STATE_TYPES. Never an ID number."""

    resident_id: str
    community_code: str
    household_id: str | None
    name: str
    gender: str
    birth_date: date
    birthday_calendar: str = "solar"
    phone: str | None = None
    sms_consent: bool = False
    address: dict[str, Any] | None = None
    grid: str | None = None
    relation_to_head: str | None = None
    residence_type: str = "registered"
    employment_status: str | None = None
    disability: dict[str, Any] | None = None
    party_member: bool = False
    volunteer: bool = False
    retired_cadre: dict[str, Any] | None = None
    special_care: list[str] = []
    status: str
    left_on: date | None = None


RESIDENT_STATE_TYPES = ("linli.registry.resident.registered.v1", "linli.registry.resident.updated.v1",
                        "linli.registry.resident.moved_out.v1", "linli.registry.resident.deceased.v1")


class LifeEvent(Published):
    life_event_id: str
    resident_id: str
    community_code: str
    kind: str
    date: date


# The visits service's.

class TaskFacts(Published):
    """What every task event carries."""

    task_id: str
    community_code: str
    resident_id: str
    resident_name: str
    reason: str
    due_from: date
    due_by: date
    assignee: str | None = None


class VisitRecorded(Published):
    visit_id: str
    community_code: str
    resident_id: str
    reason: str
    visited_at: datetime
    met: bool
    aid_total_cny: float = 0.0


# The employment service's.

class Seeker(Published):
    """What seeker.registered and seeker.updated both carry."""

    seeker_id: str
    resident_id: str
    community_code: str
    status: str
    priority_groups: list[str] = []


class ReferralMade(Published):
    referral_id: str
    seeker_id: str
    resident_id: str
    community_code: str
    job_id: str
    job_title: str
    employer_name: str
    referred_by: str
    interview_at: str | None = None


class ReferralOutcome(Published):
    referral_id: str
    outcome: str


class Placement(Published):
    """What both placement events carry: who was placed, and from when."""

    placement_id: str
    resident_id: str
    community_code: str
    start_date: date


class PlacementStarted(Placement):
    referral_id: str
    seeker_id: str
    job_id: str


class PlacementFollowupDue(Placement):
    """回访 at 30 days, retention checks at 90 and 180."""

    seeker_id: str
    due_date: date
    check_day: int
    referred_by: str
