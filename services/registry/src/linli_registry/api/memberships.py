"""Membership routes: the dated history of a resident's disability certificate and special-care categories."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from linli_shared.auth import CurrentPrincipal
from linli_shared.etag import etag

from linli_registry.api.deps import ContextDep
from linli_registry.api.schemas import Disability, Strict
from linli_registry.domain.commands import EndMembership, StartMembership
from linli_registry.domain.memberships import Kind, history_of, running_on
from linli_registry.domain.vocabulary import DisabilityCategory, SpecialCare
from linli_registry.service_layer import memberships
from linli_registry.service_layer.context import RegistryContext
from linli_registry.storage.residents import Resident

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


def _out(ctx: RegistryContext, resident: Resident, response: Response) -> MembershipsOut:
    response.headers["ETag"] = etag(resident.version)
    periods = sorted(history_of(resident.stored()), key=lambda p: p["start"] or "")
    history = [PeriodOut(**p, active=running_on(p, ctx.today())) for p in periods]
    return MembershipsOut(resident_id=resident.id, disability=resident.disability,
                          special_care=resident.special_care or [], history=history, version=resident.version)


@router.get("/residents/{resident_id}/memberships", response_model=MembershipsOut)
async def get_memberships(resident_id: str, ctx: ContextDep, principal: CurrentPrincipal,
                          response: Response) -> MembershipsOut:
    return _out(ctx, await memberships.load(ctx, principal, resident_id), response)


@router.post("/residents/{resident_id}/memberships", response_model=MembershipsOut, status_code=201)
async def post_membership(resident_id: str, body: MembershipStart, ctx: ContextDep, principal: CurrentPrincipal,
                          response: Response) -> MembershipsOut:
    grade = body.grade if isinstance(body, DisabilityStart) else None
    cmd = StartMembership(resident_id, body.kind, body.category, body.start, grade)
    return _out(ctx, await memberships.start(ctx, principal, cmd), response)


@router.post("/residents/{resident_id}/memberships/end", response_model=MembershipsOut)
async def end_membership(resident_id: str, body: MembershipEnd, ctx: ContextDep, principal: CurrentPrincipal,
                         response: Response) -> MembershipsOut:
    cmd = EndMembership(resident_id, body.kind, body.category, body.end)
    return _out(ctx, await memberships.end(ctx, principal, cmd), response)
