"""What a caller asks visits to do (imperative; the API maps its request bodies onto these)."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from linli_visits.domain.calendar import Festival
from linli_visits.domain.policy import Reason


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ReportNeed(Command):
    category: str
    description: str
    urgent: bool = False


class Aid(Command):
    kind: Literal["goods", "cash"]
    description: str
    value_cny: float


class RecordVisit(Command):
    resident_id: str
    task_id: str | None = None
    reason: Reason = "routine"
    visited_at: datetime
    method: Literal["in_person", "phone", "video"] = "in_person"
    met: bool
    visitor: str | None = None  # the caller unless an admin names a staff member
    observations: str | None = None
    needs: list[ReportNeed] = []
    aid: list[Aid] = []


class StartCampaign(Command):
    festival: Festival
    year: int
    target_groups: list[str]
    name: str | None = None
    aid_plan: Aid | None = None
