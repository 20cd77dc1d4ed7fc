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
    """Coverage per cadence group, overdue tasks, visits by reason, met, aid total, visits per worker.

    Officers (aggregates only) get small cells suppressed: a figure behind 1 to `suppressed_below` − 1
    residents (each counted once however often visited; aid by its recipients, overdue tasks by their
    residents) is null and named in `suppressed` (dotted, e.g. `coverage.elderly_80.visited`), and so is
    a figure it could be worked out from (reasons and met add up to the visits; visited and not visited
    to the members; a share goes with them). Per-worker counts are staff figures and stay, unless the
    visits are hidden. Whoever may read people sees exact figures (`suppressed` empty)."""
    return await statistics.visit_statistics(ctx, principal, code, since, until)
