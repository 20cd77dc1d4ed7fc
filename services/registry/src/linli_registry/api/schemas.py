"""Request and response bodies of the registry's HTTP API."""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from linli_shared.bounds import Id, Name, Note, ShortText, Tags

from linli_registry.domain import commands
from linli_registry.domain.vocabulary import (
    BirthdayCalendar,
    DisabilityCategory,
    EmploymentStatus,
    Gender,
    Health,
    Housing,
    IdType,
    Relation,
    ResidenceType,
    ResidentStatus,
    SpecialCare,
    StaffRole,
)
from linli_registry.events import Address, LifeEventKind

Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9][0-9\- ]{4,19}$")]
Ethnicity = Annotated[str, StringConstraints(pattern=r"^[0-9]{2}$")]  # GB/T 3304, 01 = 汉族


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OrgIn(Strict):
    name: ShortText


class OrgOut(BaseModel):
    code: str
    name: str
    level: str
    parent: str | None
    children: list[OrgOut] = []


class StaffIn(Strict):
    name: Name
    phone: Phone | None = None
    email: Annotated[str, StringConstraints(max_length=100, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = None
    role: StaffRole
    wecom_userid: ShortText | None = None


class StaffOut(BaseModel):
    id: str
    org_code: str
    name: str
    phone: str | None = None
    email: str | None
    role: str
    wecom_userid: str | None


class AddressIn(Strict):
    estate: ShortText  # 小区
    building: ShortText | None = None  # 楼栋
    unit: ShortText | None = None  # 单元
    room: ShortText | None = None  # 门牌


class HouseholdIn(Strict):
    address: AddressIn
    housing: Housing | None = None
    grid: str | None = Field(None, max_length=40, description="grid code, community code + '-' + number")


    def command(self, community: str) -> commands.RegisterHousehold:
        return commands.RegisterHousehold(community=community, address=self.address.model_dump(),
                                          housing=self.housing, grid=self.grid)


class LowIncomeIn(Strict):
    since: date
    monthly_amount_cny: float = Field(gt=0, le=100000)

    def command(self, household_id: str) -> commands.StartLowIncome:
        return commands.StartLowIncome(household_id=household_id, since=self.since,
                                       monthly_amount_cny=self.monthly_amount_cny)


class LowIncomePeriodOut(BaseModel):
    start: date
    end: date | None
    monthly_amount_cny: float


class HouseholdOut(BaseModel):
    id: str
    community_code: str
    address: Address
    housing: str | None
    grid: str | None
    low_income: LowIncomePeriodOut | None
    low_income_history: list[LowIncomePeriodOut]
    version: int


class Disability(Strict):
    category: DisabilityCategory
    grade: int = Field(ge=1, le=4)


class Volunteer(Strict):
    skills: Tags = []


class VolunteerOut(BaseModel):
    skills: list[str] = []


class RetiredCadre(Strict):
    """老干部 and the 四个必须知道: address and contact, family and health, hobbies, habits."""

    kind: Literal["lixiu", "tuixiu"]  # 离休 / 退休
    rank: ShortText | None = None
    hobbies: Note | None = None
    habits: Note | None = None
    family_and_health: Note | None = None


class RetiredCadreOut(BaseModel):
    kind: Literal["lixiu", "tuixiu"]
    rank: str | None = None
    hobbies: str | None = None
    habits: str | None = None
    family_and_health: str | None = None


class ResidentFields(Strict):
    """Fields a worker may set on registration and change later."""

    name: Name | None = None
    ethnicity: Ethnicity | None = None
    phone: Phone | None = None
    household_id: Id | None = None
    relation_to_head: Relation | None = None
    residence_type: ResidenceType | None = None
    employment_status: EmploymentStatus | None = None
    health: Health | None = None
    disability: Disability | None = None
    party_member: bool | None = None
    volunteer: Volunteer | None = None
    retired_cadre: RetiredCadre | None = None
    special_care: Annotated[list[SpecialCare], Field(max_length=20)] | None = None
    birthday_calendar: BirthdayCalendar | None = None
    sms_consent: bool | None = Field(None, description="the resident agreed to receive SMS (PIPL consent)")


class ResidentIn(ResidentFields):
    name: Name
    id_type: IdType = "id_card"
    id_number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
    gender: Gender | None = None
    birth_date: date | None = None

    def command(self, community: str) -> commands.RegisterResident:
        return commands.RegisterResident(
            community=community, name=self.name, id_type=self.id_type, id_number=self.id_number,
            birth_date=self.birth_date, gender=self.gender,
            values=self.model_dump(exclude={"name", "id_type", "id_number", "birth_date", "gender"}))


class ResidentPatch(ResidentFields):
    """Identity fixes go through here too; status changes only through life events."""

    id_type: IdType | None = None
    id_number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)] | None = None
    gender: Gender | None = None
    birth_date: date | None = None

    def command(self, resident_id: str, expected_version: int) -> commands.ChangeResident:
        return commands.ChangeResident(resident_id=resident_id, expected_version=expected_version,
                                       sent=self.model_dump(exclude_unset=True))


class ResidentOut(BaseModel):
    id: str
    community_code: str
    household_id: str | None
    name: str
    id_type: str
    id_number: str = Field(description="masked unless the token has pii:read: an ID card keeps its first 4 "
                                       "characters (`1303**************`), other documents at most their first 2")
    id_number_masked: bool
    gender: str
    birth_date: date
    age: int
    ethnicity: str | None = None
    phone: str | None
    relation_to_head: str | None = None
    residence_type: str
    employment_status: str | None = None
    health: str | None = None
    disability: Disability | None = None
    party_member: bool = False
    volunteer: VolunteerOut | None = None
    retired_cadre: RetiredCadreOut | None = None
    special_care: list[str]
    birthday_calendar: str
    sms_consent: bool = False
    status: ResidentStatus
    left_on: date | None
    groups: list[str]
    version: int


class LifeEventIn(Strict):
    kind: LifeEventKind
    date: date
    note: Note | None = None

    def command(self, resident_id: str) -> commands.RecordLifeEvent:
        return commands.RecordLifeEvent(resident_id=resident_id, kind=self.kind, date=self.date, note=self.note)


class LifeEventFields(BaseModel):
    id: str
    resident_id: str
    kind: str
    date: date
    note: str | None
    recorded_by: str


class LifeEventOut(LifeEventFields):
    resident_status: ResidentStatus


class LifeEventListed(LifeEventFields):
    """A recorded life event; an ID or mobile number typed into the note is masked."""

    recorded_at: datetime


class StatisticsOut(BaseModel):
    """Group sizes of an org on a day, and of each of its streets or communities in `breakdown`.

    Officers (aggregates only) get small cells suppressed: a figure behind 1 to `suppressed_below` − 1
    people (households, for household groups) is null with its key in `suppressed`, and so is any figure
    it could be worked out from (a sibling in the breakdown, or the total); 0 is shown. Whoever may read
    people sees exact figures (`suppressed` empty, `suppressed_below` null)."""

    org_code: str
    level: str
    name: str
    as_of: date
    statistics: dict[str, int | None]
    suppressed: list[str] = []
    suppressed_below: int | None = None
    breakdown: list[StatisticsOut] = []
