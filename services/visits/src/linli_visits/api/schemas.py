"""Request and response bodies of the visits API."""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, field_validator

from linli_shared.bounds import Id, Items, Tag, Text
from linli_shared.domain.groups import GROUPS

from linli_visits.domain.calendar import Festival
from linli_visits.domain.needs import NeedFields
from linli_visits.domain.pairings import PairingFields
from linli_visits.domain.policy import Reason


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NeedIn(Strict):
    category: Tag
    description: Text
    urgent: bool = False


class AidIn(Strict):
    kind: Literal["goods", "cash"]
    description: Text
    value_cny: float = Field(ge=0, le=1_000_000)


class VisitIn(Strict):
    resident_id: Id
    task_id: Id | None = None
    reason: Reason = "routine"
    visited_at: AwareDatetime = Field(description="RFC 3339 with offset")
    method: Literal["in_person", "phone", "video"] = "in_person"
    met: bool = Field(description="false when nobody was home: the task stays open")
    visitor: Id | None = Field(None, description="staff id; the caller, or a staff member of the community named "
                                                 "by an admin (defaults to the caller)")
    observations: Text | None = None
    needs: Items[NeedIn] = []
    aid: Items[AidIn] = []


class AssignIn(Strict):
    staff_id: Id


class ResolveIn(Strict):
    resolution: Text


class PairingIn(Strict):
    volunteer_id: Id
    elder_id: Id


class CampaignIn(Strict):
    festival: Festival
    year: int = Field(ge=2000, le=2099)
    target_groups: list[Tag] = Field(min_length=1, max_length=50)
    name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None
    aid_plan: AidIn | None = None

    @field_validator("target_groups")
    @classmethod
    def _known_groups(cls, groups: list[str]) -> list[str]:
        allowed = set(GROUPS) - {"residents", "households"}
        unknown = [g for g in groups if g not in allowed]
        if unknown:
            raise ValueError(f"unknown groups {unknown}; use derived group names such as elderly_80")
        return groups


class TaskOut(BaseModel):
    id: str
    community_code: str
    resident_id: str
    resident_name: str
    reason: str
    due_from: date
    due_by: date
    status: str
    assignee: str | None
    source: str | None
    visit_id: str | None = None
    version: int


class VisitOut(BaseModel):
    id: str
    community_code: str
    resident_id: str
    task_id: str | None
    reason: str
    visited_at: datetime
    method: str
    met: bool
    visitor: str
    observations: str | None
    needs: list[str]
    aid: list[AidIn]
    aid_total_cny: float


class NeedOut(NeedFields):
    status: str
    resolution: str | None = None
    resolved_by: str | None = None


class PairingOut(PairingFields):
    pass


class CampaignOut(BaseModel):
    id: str
    community_code: str
    festival: str
    year: int
    festival_date: date
    name: str | None
    target_groups: list[str]
    targets: int
    visited: int = 0
    open: int = 0
    overdue: int = 0
    cancelled: int = 0
    aid_total_cny: float = 0.0


