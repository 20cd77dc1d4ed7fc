"""What the employment API asks of the service, apart from how a request spells it (api/schemas.py maps them)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from linli_shared.bounds import Items, Tag, Tags

from linli_employment.domain.matching import Requirement
from linli_employment.domain.vocabulary import CertificateStatus, Cohort, Hours, JobCategory, ReferralOutcome

Yuan = Annotated[float, Field(ge=0, le=1_000_000)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Certificate(_Strict):
    """再就业优惠证 / 就业失业登记证 paperwork."""

    status: CertificateStatus = "none"
    applied_on: date | None = None
    issued_on: date | None = None
    number: Tag | None = None

    @model_validator(mode="after")
    def _dates_follow_status(self) -> Certificate:
        if self.status == "issued" and self.issued_on is None:
            raise ValueError("an issued certificate needs issued_on")
        if self.applied_on and self.issued_on and self.issued_on < self.applied_on:
            raise ValueError("issued_on is before applied_on")
        return self


class Intentions(_Strict):
    """登记求职意向."""

    categories: Items[JobCategory] = Field(min_length=1)
    hours: Items[Hours] = []
    min_monthly_wage_cny: Yuan | None = None
    skills: Tags = []
    certificates: Tags = []
    available_from: date | None = None


@dataclass(frozen=True)
class RegisterIntentions:
    resident_id: str
    intentions: Intentions
    certificate: Certificate


@dataclass(frozen=True)
class ChangeSeeker:
    """None leaves a part as it is."""

    intentions: Intentions | None
    certificate: Certificate | None
    expected_version: int


@dataclass(frozen=True)
class AddEmployer:
    name: str
    kind: str
    community_code: str
    contact_name: str | None
    phone: str | None
    address: str | None


@dataclass(frozen=True)
class PostJob:
    employer_id: str
    title: str
    category: JobCategory
    headcount: int
    wage_min_cny: float
    wage_max_cny: float
    hours: Hours
    skills_required: list[str]
    skills_preferred: list[str]
    certificates_required: list[str]
    requirement: Requirement
    guarantor_needed: bool
    suits_4050: bool
    suits_disabled: bool
    description: str | None


@dataclass(frozen=True)
class ChangeJob:
    """Only the parts the request named; `changes` keys are the job's fields."""

    changes: dict[str, object]
    expected_version: int


@dataclass(frozen=True)
class Refer:
    seeker_id: str
    job_id: str
    interview_at: datetime | None
    note: str | None


@dataclass(frozen=True)
class RecordOutcome:
    outcome: ReferralOutcome
    note: str | None
    start_date: date | None
    wage_cny: float | None


@dataclass(frozen=True)
class CreateTraining:
    org_code: str
    name: str
    kind: str
    starts_on: date
    ends_on: date
    capacity: int


@dataclass(frozen=True)
class Enroll:
    resident_id: str
    cohort: Cohort
