"""Visit records and the needs they find."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter

from linli_shared.auth import Access, CurrentPrincipal
from linli_shared.orgs import OrgCode
from linli_shared.pagination import DEFAULT_LIMIT, Cursor, Limit, Page, page_by_id

from linli_visits.api.deps import VisitsDep, out
from linli_visits.api.schemas import NeedOut, ResolveIn, VisitIn, VisitOut
from linli_visits.service_layer import needs, visits
from linli_visits.storage.indexes import NEEDS

router = APIRouter(prefix="/v1", tags=["visits"])


@router.post("/communities/{code}/visits", response_model=VisitOut, status_code=201)
async def record_visit(code: OrgCode, body: VisitIn, ctx: VisitsDep, principal: CurrentPrincipal) -> VisitOut:
    return VisitOut(**out(await visits.record_visit(ctx, principal, code, body)))


@router.get("/residents/{resident_id}/visits", response_model=list[VisitOut])
async def visit_history(resident_id: str, ctx: VisitsDep, principal: CurrentPrincipal) -> list[VisitOut]:
    return [VisitOut(**out(v)) for v in await visits.history(ctx, principal, resident_id)]


@router.get("/communities/{code}/needs", response_model=Page[NeedOut])
async def list_needs(code: OrgCode, ctx: VisitsDep, principal: CurrentPrincipal,
                     status: Literal["open", "resolved"] | None = None, urgent: bool | None = None,
                     limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> Page[NeedOut]:
    principal.authorize(code, Access.READ)
    query = {"community_code": code, **({"status": status} if status else {}),
             **({"urgent": urgent} if urgent is not None else {})}
    docs, next_cursor = await page_by_id(ctx.db[NEEDS], query, limit, cursor)
    return Page(items=[NeedOut(**out(d)) for d in docs], next_cursor=next_cursor)


@router.post("/needs/{need_id}/resolve", response_model=NeedOut)
async def resolve_need(need_id: str, body: ResolveIn, ctx: VisitsDep, principal: CurrentPrincipal) -> NeedOut:
    return NeedOut(**out(await needs.resolve(ctx, principal, need_id, body.resolution)))
