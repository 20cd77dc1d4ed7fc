"""The registry's events: small, flat, past tense. No national ID number ever travels on the bus."""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel

from linli_shared.events import EventData, published


class Address(BaseModel, frozen=True):
    estate: str
    building: str | None = None
    unit: str | None = None
    room: str | None = None


class OrgUpserted(EventData):
    TYPE = "linli.registry.org.upserted.v1"
    code: str
    name: str
    level: Literal["district", "street", "community", "grid"]
    parent: str | None


class StaffUpserted(published.Staff, EventData):
    TYPE = "linli.registry.staff.upserted.v1"
    role: Literal["worker", "admin", "officer"]


class HouseholdState(EventData):
    household_id: str
    community_code: str
    address: Address
    grid: str | None = None
    housing: str | None = None
    low_income: bool = False
    low_income_since: date | None = None
    low_income_monthly_cny: float | None = None


class HouseholdRegistered(HouseholdState):
    TYPE = "linli.registry.household.registered.v1"


class HouseholdUpdated(HouseholdState):
    TYPE = "linli.registry.household.updated.v1"


class ResidentState(EventData):
    """What visits, employment and notify need of a resident: names, dates, address, groups, phone."""

    resident_id: str
    community_code: str
    household_id: str | None
    name: str
    gender: Literal["male", "female"]
    birth_date: date
    birthday_calendar: Literal["solar", "lunar"] = "solar"
    ethnicity: str | None = None
    phone: str | None = None
    sms_consent: bool = False  # notify texts a resident only with consent
    address: Address | None = None
    grid: str | None = None
    relation_to_head: str | None = None
    residence_type: str
    employment_status: str | None = None
    health: str | None = None
    disability: dict | None = None
    party_member: bool = False
    volunteer: bool = False
    retired_cadre: dict | None = None
    special_care: list[str] = []
    status: Literal["active", "moved_out", "deceased"]
    left_on: date | None = None
    groups: list[str] = []  # derived groups on the day of the event; consumers re-derive as people age


class ResidentRegistered(ResidentState):
    TYPE = "linli.registry.resident.registered.v1"


class ResidentUpdated(ResidentState):
    TYPE = "linli.registry.resident.updated.v1"
    changed: list[str] = []


class ResidentMovedOut(ResidentState):
    TYPE = "linli.registry.resident.moved_out.v1"


class ResidentDeceased(ResidentState):
    TYPE = "linli.registry.resident.deceased.v1"


LifeEventKind = Literal["hospitalized", "discharged", "major_event", "special_situation", "moved_out", "deceased"]


class ResidentLifeEventRecorded(EventData):
    TYPE = "linli.registry.resident.life_event_recorded.v1"
    life_event_id: str
    resident_id: str
    community_code: str
    kind: LifeEventKind
    date: date
    note: str | None = None
