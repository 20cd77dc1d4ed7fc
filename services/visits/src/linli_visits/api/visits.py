"""Visit records and the needs they find."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter

from linli_shared.auth import CurrentPrincipal
from linli_shared.orgs import OrgCode
from linli_shared.pagination import DEFAULT_LIMIT, Cursor, Limit, Page

from linli_visits.api.deps import VisitsDep
from linli_visits.api.schemas import NeedOut, ResolveIn, VisitIn, VisitOut
from linli_visits.domain.commands import RecordVisit
from linli_visits.service_layer import needs, visits

router = APIRouter(prefix="/v1", tags=["visits"])


@router.post("/communities/{code}/visits", response_model=VisitOut, status_code=201)
async def record_visit(code: OrgCode, body: VisitIn, ctx: VisitsDep, principal: CurrentPrincipal) -> VisitOut:
    command = RecordVisit.model_validate(body.model_dump())
    return VisitOut(**(await visits.record_visit(ctx, principal, code, command)).fields())


@router.get("/residents/{resident_id}/visits", response_model=list[VisitOut])
async def visit_history(resident_id: str, ctx: VisitsDep, principal: CurrentPrincipal) -> list[VisitOut]:
    return [VisitOut(**v.fields()) for v in await visits.history(ctx, principal, resident_id)]


@router.get("/communities/{code}/needs", response_model=Page[NeedOut])
async def list_needs(code: OrgCode, ctx: VisitsDep, principal: CurrentPrincipal,
                     status: Literal["open", "resolved"] | None = None, urgent: bool | None = None,
                     limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> Page[NeedOut]:
    found, next_cursor = await needs.community_needs(ctx, principal, code, limit, cursor, status, urgent)
    return Page(items=[NeedOut(**n.fields()) for n in found], next_cursor=next_cursor)


@router.post("/needs/{need_id}/resolve", response_model=NeedOut)
async def resolve_need(need_id: str, body: ResolveIn, ctx: VisitsDep, principal: CurrentPrincipal) -> NeedOut:
    return NeedOut(**(await needs.resolve(ctx, principal, need_id, body.resolution)).fields())
