"""Visit policy per community, and visit statistics for any org."""
from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from linli_shared.auth import CurrentPrincipal
from linli_shared.orgs import OrgCode

from linli_visits.api.deps import VisitsDep
from linli_visits.domain.policy import VisitPolicy
from linli_visits.service_layer import policy, statistics

router = APIRouter(prefix="/v1", tags=["policy"])


@router.get("/communities/{code}/visit-policy", response_model=VisitPolicy)
async def get_policy(code: OrgCode, ctx: VisitsDep, principal: CurrentPrincipal) -> VisitPolicy:
    return await policy.read(ctx, principal, code)


@router.put("/communities/{code}/visit-policy", response_model=VisitPolicy)
async def put_policy(code: OrgCode, body: VisitPolicy, ctx: VisitsDep, principal: CurrentPrincipal) -> VisitPolicy:
    return await policy.replace(ctx, principal, code, body)


@router.get("/orgs/{code}/visit-statistics")
async def get_statistics(code: OrgCode, ctx: VisitsDep, principal: CurrentPrincipal,
                         since: Annotated[date, Query(alias="from")],
                         until: Annotated[date, Query(alias="to")]) -> dict:
    return await statistics.visit_statistics(ctx, principal, code, since, until)
