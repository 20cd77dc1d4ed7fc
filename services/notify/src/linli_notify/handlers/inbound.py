"""The parts of other services' events that notify reads (their published schemas, docs/events/)."""
from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict


class Inbound(BaseModel):
    # Producers may add fields (a compatible change); we read what we need and ignore the rest.
    model_config = ConfigDict(extra="ignore", frozen=True)


class Staff(Inbound):
    staff_id: str
    org_code: str
    name: str
    role: str
    phone: str | None = None
    email: str | None = None
    wecom_userid: str | None = None
    active: bool = True


class ResidentContact(Inbound):
    resident_id: str
    community_code: str
    name: str
    phone: str | None = None
    sms_consent: bool = False
    status: str


class TaskFacts(Inbound):
    task_id: str
    community_code: str
    resident_id: str
    resident_name: str
    reason: str
    due_from: date
    due_by: date
    assignee: str | None = None


class ReferralMade(Inbound):
    referral_id: str
    seeker_id: str
    resident_id: str
    community_code: str
    job_id: str
    job_title: str
    employer_name: str
    referred_by: str
    interview_at: str | None = None


class FollowupDue(Inbound):
    placement_id: str
    resident_id: str
    seeker_id: str
    community_code: str
    start_date: date
    due_date: date
    check_day: int
    referred_by: str
