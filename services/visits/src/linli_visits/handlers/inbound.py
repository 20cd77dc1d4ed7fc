"""The parts of other services' events that visits reads (their published schemas, docs/events/)."""
from __future__ import annotations

from datetime import date
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
    birthday_calendar: str = "solar"
    phone: str | None = None
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


class HouseholdState(Inbound):
    household_id: str
    community_code: str
    address: dict[str, Any]
    grid: str | None = None
    low_income: bool = False
    low_income_since: date | None = None


class LifeEvent(Inbound):
    life_event_id: str
    resident_id: str
    community_code: str
    kind: str
    date: date


class Staff(Inbound):
    staff_id: str
    org_code: str
    name: str
    role: str
    active: bool = True


class Placement(Inbound):
    """employment's placement.started / placement.followup_due: who was placed, and from when."""

    placement_id: str
    resident_id: str
    community_code: str
    start_date: date
