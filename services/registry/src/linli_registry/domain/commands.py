"""What a caller asks the registry to do (imperative), apart from the HTTP bodies that carry it.

`api/schemas.py` maps each request onto one of these; the use cases in `service_layer/` take only these.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from linli_registry.domain.memberships import Kind

# A resident's own fields as a worker sets them (not the identity, not the name): what the registration form
# and a patch share. Values are stored as given (nested ones as plain dicts).
ResidentValues = dict[str, Any]


@dataclass(frozen=True)
class RegisterResident:
    community: str
    name: str
    id_type: str
    id_number: str
    birth_date: date | None = None
    gender: str | None = None
    values: ResidentValues = field(default_factory=dict)  # household_id, phone, disability, special_care ...


@dataclass(frozen=True)
class ChangeResident:
    """Only the fields the caller sent; an identity fix (id_type, id_number, birth_date, gender) too."""

    resident_id: str
    expected_version: int
    sent: ResidentValues


@dataclass(frozen=True)
class RecordLifeEvent:
    resident_id: str
    kind: str
    date: date
    note: str | None = None


@dataclass(frozen=True)
class StartMembership:
    resident_id: str
    kind: Kind
    category: str
    start: date
    grade: int | None = None


@dataclass(frozen=True)
class EndMembership:
    resident_id: str
    kind: Kind
    category: str
    end: date


@dataclass(frozen=True)
class RegisterHousehold:
    community: str
    address: dict[str, Any]
    housing: str | None = None
    grid: str | None = None


@dataclass(frozen=True)
class StartLowIncome:
    household_id: str
    since: date
    monthly_amount_cny: float


@dataclass(frozen=True)
class EndLowIncome:
    household_id: str
    ended_on: date | None = None
