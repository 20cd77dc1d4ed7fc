"""The parts of other services' events that reports reads (their published schemas, docs/events/)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class Inbound(BaseModel):
    # Producers may add fields (a compatible change); we read what we need and ignore the rest.
    model_config = ConfigDict(extra="ignore", frozen=True)


class ResidentState(Inbound):
    resident_id: str
    community_code: str
    household_id: str | None
    name: str
    gender: str
    birth_date: date
    phone: str | None = None
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


class HouseholdState(Inbound):
    household_id: str
    community_code: str
    address: dict[str, Any]
    grid: str | None = None
    low_income: bool = False
    low_income_since: date | None = None


class Org(Inbound):
    code: str
    name: str
    level: str
    parent: str | None = None


class VisitRecorded(Inbound):
    visit_id: str
    community_code: str
    resident_id: str
    reason: str
    visited_at: datetime
    met: bool
    aid_total_cny: float = 0.0


class Seeker(Inbound):
    seeker_id: str
    resident_id: str
    community_code: str
    status: str
    priority_groups: list[str] = []


class ReferralMade(Inbound):
    referral_id: str
    seeker_id: str
    resident_id: str
    community_code: str
    job_id: str
    job_title: str
    employer_name: str


class ReferralOutcome(Inbound):
    referral_id: str
    outcome: str


class PlacementStarted(Inbound):
    placement_id: str
    referral_id: str
    seeker_id: str
    resident_id: str
    community_code: str
    job_id: str
    start_date: date
