"""Employers, postings and ranked candidates."""
from __future__ import annotations

from fastapi import APIRouter, Response

from linli_shared.auth import Access, CurrentPrincipal
from linli_shared.etag import RequiredVersion, etag
from linli_shared.orgs import OrgCode
from linli_shared.pagination import DEFAULT_LIMIT, Cursor, Limit, Page

from linli_employment.api.deps import EmploymentDep
from linli_employment.api.schemas import EmployerIn, EmployerOut, JobIn, JobOut, JobPatch
from linli_employment.domain.matching import Match
from linli_employment.domain.vocabulary import JobCategory, JobStatus
from linli_employment.service_layer import jobs, matching
from linli_employment.storage.jobs import Job

router = APIRouter(prefix="/v1", tags=["jobs"])


def job_out(job: Job, response: Response | None = None) -> JobOut:
    if response is not None:
        response.headers["ETag"] = etag(job.version)
    return JobOut(**job.model_dump())


@router.post("/employers", response_model=EmployerOut, status_code=201)
async def add_employer(body: EmployerIn, ctx: EmploymentDep, principal: CurrentPrincipal) -> EmployerOut:
    return EmployerOut(**(await jobs.add_employer(ctx, principal, body.command())).model_dump())


@router.post("/jobs", response_model=JobOut, status_code=201)
async def post_job(body: JobIn, ctx: EmploymentDep, principal: CurrentPrincipal, response: Response) -> JobOut:
    return job_out(await jobs.post_job(ctx, principal, body.command()), response)


@router.get("/jobs", response_model=Page[JobOut])
async def list_jobs(ctx: EmploymentDep, principal: CurrentPrincipal, community: OrgCode | None = None,
                    status: JobStatus | None = None, category: JobCategory | None = None,
                    limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> Page[JobOut]:
    """Postings within the caller's scope (officers included: postings are not personal data)."""
    if community:
        principal.authorize(community, Access.AGGREGATE)
    found, next_cursor = await jobs.page(ctx, principal, community, status, category, limit, cursor)
    return Page(items=[job_out(j) for j in found], next_cursor=next_cursor)


@router.get("/jobs/{job_id}", response_model=JobOut)
async def get_job(job_id: str, ctx: EmploymentDep, principal: CurrentPrincipal, response: Response) -> JobOut:
    return job_out(await jobs.load_job(ctx, principal, job_id, Access.AGGREGATE), response)


@router.patch("/jobs/{job_id}", response_model=JobOut)
async def patch_job(job_id: str, body: JobPatch, ctx: EmploymentDep, principal: CurrentPrincipal, response: Response,
                    version: RequiredVersion) -> JobOut:
    return job_out(await jobs.update_job(ctx, principal, job_id, body.command(version)), response)


@router.get("/jobs/{job_id}/matches", response_model=list[Match])
async def job_matches(job_id: str, ctx: EmploymentDep, principal: CurrentPrincipal,
                      limit: Limit = DEFAULT_LIMIT) -> list[Match]:
    return await matching.for_job(ctx, principal, job_id, limit)
