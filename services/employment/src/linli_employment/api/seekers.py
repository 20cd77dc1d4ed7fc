"""Job seeker routes."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from linli_shared.auth import Access, CurrentPrincipal
from linli_shared.etag import RequiredVersion, etag
from linli_shared.orgs import OrgCode
from linli_shared.pagination import DEFAULT_LIMIT, Cursor, Limit, Page

from linli_employment.api.deps import EmploymentDep
from linli_employment.api.schemas import SeekerIn, SeekerOut, SeekerPatch
from linli_employment.domain.matching import Match
from linli_employment.domain.vocabulary import PriorityGroup, SeekerStatus
from linli_employment.service_layer import matching, seekers
from linli_employment.storage.seekers import Seeker

router = APIRouter(prefix="/v1", tags=["seekers"])
ResidentId = Annotated[str | None, Query(min_length=1, max_length=200, description="only this resident's seeker")]


def seeker_out(seeker: Seeker, response: Response | None = None) -> SeekerOut:
    if response is not None:
        response.headers["ETag"] = etag(seeker.version)
    return SeekerOut(**{**seeker.model_dump(), "intentions": seeker.intentions or None})


@router.get("/communities/{code}/job-seekers", response_model=Page[SeekerOut])
async def list_seekers(code: OrgCode, ctx: EmploymentDep, principal: CurrentPrincipal,
                       status: SeekerStatus | None = None, priority_group: PriorityGroup | None = None,
                       resident_id: ResidentId = None,
                       limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> Page[SeekerOut]:
    principal.authorize(code, Access.READ)
    found, next_cursor = await seekers.page(ctx, code, status, priority_group, limit, cursor, resident_id)
    return Page(items=[seeker_out(s) for s in found], next_cursor=next_cursor)


@router.post("/communities/{code}/job-seekers", response_model=SeekerOut)
async def register_intentions(code: OrgCode, body: SeekerIn, ctx: EmploymentDep, principal: CurrentPrincipal,
                              response: Response) -> SeekerOut:
    return seeker_out(await seekers.register_intentions(ctx, principal, code, body.command()), response)


@router.get("/job-seekers/{seeker_id}", response_model=SeekerOut)
async def get_seeker(seeker_id: str, ctx: EmploymentDep, principal: CurrentPrincipal, response: Response) -> SeekerOut:
    return seeker_out(await seekers.load(ctx, principal, seeker_id, Access.READ), response)


@router.patch("/job-seekers/{seeker_id}", response_model=SeekerOut)
async def patch_seeker(seeker_id: str, body: SeekerPatch, ctx: EmploymentDep, principal: CurrentPrincipal,
                       response: Response, version: RequiredVersion) -> SeekerOut:
    return seeker_out(await seekers.update(ctx, principal, seeker_id, body.command(version)), response)


@router.get("/job-seekers/{seeker_id}/matches", response_model=list[Match])
async def seeker_matches(seeker_id: str, ctx: EmploymentDep, principal: CurrentPrincipal,
                         limit: Limit = DEFAULT_LIMIT) -> list[Match]:
    return await matching.for_seeker(ctx, principal, seeker_id, limit)
