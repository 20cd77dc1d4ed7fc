"""Request and response bodies of the employment API; each request maps onto its command (domain/commands.py)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from linli_shared.bounds import Id, Name, ShortText, Tag, Tags
from linli_shared.orgs import CommunityCode, OrgCode

from linli_employment.domain.commands import (
    AddEmployer,
    Certificate,
    ChangeJob,
    ChangeSeeker,
    CreateTraining,
    Enroll,
    Intentions,
    PostJob,
    RecordOutcome,
    Refer,
    RegisterIntentions,
    Yuan,
)
from linli_employment.domain.jobs import EmployerFields, JobFields
from linli_employment.domain.matching import Requirement
from linli_employment.domain.vocabulary import Cohort, Hours, JobCategory, ReferralOutcome

Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9][0-9\- ]{4,19}$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IntentionsOut(BaseModel):
    categories: list[JobCategory]
    hours: list[Hours] = []
    min_monthly_wage_cny: float | None = None
    skills: list[str] = []
    certificates: list[str] = []
    available_from: date | None = None


class SeekerIn(Strict):
    resident_id: Id
    intentions: Intentions
    certificate: Certificate = Certificate()

    def command(self) -> RegisterIntentions:
        return RegisterIntentions(self.resident_id, self.intentions, self.certificate)


class SeekerPatch(Strict):
    intentions: Intentions | None = None
    certificate: Certificate | None = None

    def command(self, expected_version: int) -> ChangeSeeker:
        return ChangeSeeker(self.intentions, self.certificate, expected_version)


class SeekerOut(BaseModel):
    id: str
    resident_id: str
    community_code: str
    name: str
    status: str
    priority_groups: list[str]
    intentions: IntentionsOut | None
    certificate: Certificate
    version: int


class EmployerIn(Strict):
    name: ShortText
    kind: Literal["business", "household"]
    community_code: CommunityCode
    contact_name: Name | None = None
    phone: Phone | None = None
    address: Annotated[str, StringConstraints(max_length=200)] | None = None

    def command(self) -> AddEmployer:
        return AddEmployer(**self.model_dump())


class EmployerOut(EmployerFields):
    pass


class JobIn(Strict):
    employer_id: Id
    title: ShortText
    category: JobCategory
    headcount: int = Field(ge=1, le=10_000)
    wage_min_cny: Yuan
    wage_max_cny: Yuan
    hours: Hours = "full_time"
    skills_required: Tags = []
    skills_preferred: Tags = []
    certificates_required: Tags = []
    requirement: Requirement = Requirement()
    guarantor_needed: bool = False
    suits_4050: bool = False
    suits_disabled: bool = False
    description: Annotated[str, StringConstraints(max_length=2000)] | None = None

    @model_validator(mode="after")
    def _wage_range(self) -> JobIn:
        if self.wage_max_cny < self.wage_min_cny:
            raise ValueError(f"wage range upside down: {self.wage_min_cny} > {self.wage_max_cny}")
        return self

    def command(self) -> PostJob:
        return PostJob(**dict(self))


class JobPatch(Strict):
    status: Literal["open", "closed"] | None = None
    headcount: int | None = Field(None, ge=1, le=10_000)
    title: ShortText | None = None
    description: Annotated[str, StringConstraints(max_length=2000)] | None = None

    def command(self, expected_version: int) -> ChangeJob:
        return ChangeJob(self.model_dump(exclude_unset=True), expected_version)


class JobOut(JobFields):
    pass


class ReferralIn(Strict):
    seeker_id: Id
    job_id: Id
    interview_at: AwareDatetime | None = None
    note: Annotated[str, StringConstraints(max_length=2000)] | None = None

    def command(self) -> Refer:
        return Refer(**self.model_dump())


class OutcomeIn(Strict):
    outcome: ReferralOutcome
    note: Annotated[str, StringConstraints(max_length=2000)] | None = None
    start_date: date | None = Field(None, description="required with hired")
    wage_cny: Yuan | None = Field(None, description="monthly wage agreed; required with hired")

    def command(self) -> RecordOutcome:
        return RecordOutcome(**self.model_dump())


class ReferralOut(BaseModel):
    id: str
    seeker_id: str
    resident_id: str
    job_id: str
    community_code: str
    status: str
    interview_at: datetime | None = None
    history: list[dict]
    placement_id: str | None = None


class TrainingIn(Strict):
    org_code: OrgCode
    name: ShortText
    kind: Tag  # the seeds' 12 kinds: 美发, 电脑录入, 计算机操作, 电工, 水暖 …
    starts_on: date
    ends_on: date
    capacity: int = Field(ge=1, le=10_000)

    @model_validator(mode="after")
    def _dates(self) -> TrainingIn:
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on is before starts_on")
        return self

    def command(self) -> CreateTraining:
        return CreateTraining(**self.model_dump())


class EnrollmentIn(Strict):
    resident_id: Id
    cohort: Cohort

    def command(self) -> Enroll:
        return Enroll(**self.model_dump())


class CompletionIn(Strict):
    certificate: Tag | None = None
