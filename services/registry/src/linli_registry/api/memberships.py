"""Membership routes: the dated history of a resident's disability certificate and special-care categories."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from linli_shared.auth import CurrentPrincipal
from linli_shared.etag import etag

from linli_registry.api.deps import RegistryDep
from linli_registry.api.schemas import Disability, Strict
from linli_registry.domain.memberships import Kind, history_of, running_on
from linli_registry.domain.vocabulary import DisabilityCategory, SpecialCare
from linli_registry.service_layer import memberships
from linli_registry.service_layer.context import Registry

router = APIRouter(prefix="/v1", tags=["memberships"])


class DisabilityStart(Strict):
    """A 残疾人证 from `start`; a new category or grade ends the running certificate that day."""

    kind: Literal["disability"]
    category: DisabilityCategory
    grade: int = Field(ge=1, le=4)
    start: date


class SpecialCareStart(Strict):
    kind: Literal["special_care"]
    category: SpecialCare
    start: date


MembershipStart = Annotated[DisabilityStart | SpecialCareStart, Field(discriminator="kind")]


class MembershipEnd(Strict):
    kind: Kind
    category: DisabilityCategory | SpecialCare
    end: date = Field(description="exclusive: the last day counted is the day before; not after today")


class PeriodOut(BaseModel):
    kind: Kind
    category: str
    grade: int | None = None
    start: date | None = Field(description="null: since before records began")
    end: date | None = Field(description="exclusive; null while running")
    active: bool = Field(description="running today")


class MembershipsOut(BaseModel):
    resident_id: str
    disability: Disability | None
    special_care: list[str]
    history: list[PeriodOut] = Field(description="chronological: unknown starts first, then by start")
    version: int


def _out(reg: Registry, doc: dict, response: Response) -> MembershipsOut:
    response.headers["ETag"] = etag(doc["version"])
    periods = sorted(history_of(doc), key=lambda p: p["start"] or "")
    history = [PeriodOut(**p, active=running_on(p, reg.today())) for p in periods]
    return MembershipsOut(resident_id=doc["_id"], disability=doc.get("disability"),
                          special_care=doc.get("special_care") or [], history=history, version=doc["version"])


@router.get("/residents/{resident_id}/memberships", response_model=MembershipsOut)
async def get_memberships(resident_id: str, reg: RegistryDep, principal: CurrentPrincipal,
                          response: Response) -> MembershipsOut:
    return _out(reg, await memberships.load(reg, principal, resident_id), response)


@router.post("/residents/{resident_id}/memberships", response_model=MembershipsOut, status_code=201)
async def post_membership(resident_id: str, body: MembershipStart, reg: RegistryDep, principal: CurrentPrincipal,
                          response: Response) -> MembershipsOut:
    grade = body.grade if isinstance(body, DisabilityStart) else None
    doc = await memberships.start(reg, principal, resident_id, body.kind, body.category, body.start, grade)
    return _out(reg, doc, response)


@router.post("/residents/{resident_id}/memberships/end", response_model=MembershipsOut)
async def end_membership(resident_id: str, body: MembershipEnd, reg: RegistryDep, principal: CurrentPrincipal,
                         response: Response) -> MembershipsOut:
    doc = await memberships.end(reg, principal, resident_id, body.kind, body.category, body.end)
    return _out(reg, doc, response)
