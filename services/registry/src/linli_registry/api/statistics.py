"""Statistics route: the derived-group table for a community, street or district on any as-of date."""
from __future__ import annotations

from datetime import date

from fastapi import APIRouter

from linli_shared.auth import CurrentPrincipal
from linli_shared.orgs import OrgCode

from linli_registry.api.deps import ContextDep
from linli_registry.api.schemas import StatisticsOut
from linli_registry.service_layer import queries

router = APIRouter(prefix="/v1/orgs", tags=["statistics"])


@router.get("/{code}/statistics", response_model=StatisticsOut)
async def get_statistics(code: OrgCode, ctx: ContextDep, principal: CurrentPrincipal,
                         as_of: date | None = None) -> StatisticsOut:
    return StatisticsOut(**await queries.statistics(ctx, principal, code, as_of))
