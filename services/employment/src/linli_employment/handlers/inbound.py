"""The parts of the registry's events employment reads (docs/events/registry/)."""
from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict


class ResidentState(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    resident_id: str
    community_code: str
    household_id: str | None
    name: str
    gender: str
    birth_date: date
    phone: str | None = None
    employment_status: str | None = None
    disability: dict[str, Any] | None = None
    status: str
    left_on: date | None = None
