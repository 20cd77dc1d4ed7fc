"""Employers and their postings: businesses and households, open until filled or closed."""
from __future__ import annotations

import uuid
from typing import Any

from linli_shared.auth import Access, Principal
from linli_shared.errors import Problem, invalid
from linli_shared.mongo import find_authorized
from linli_shared.outbox import Tx

from linli_employment.api.schemas import EmployerIn, JobIn, JobPatch
from linli_employment.domain.referrals import job_status_after_hire
from linli_employment.events import JobPosted, JobUpdated
from linli_employment.service_layer.context import Employment
from linli_employment.storage.indexes import EMPLOYERS, JOBS


async def add_employer(ctx: Employment, principal: Principal, body: EmployerIn) -> dict[str, Any]:
    principal.authorize(body.community_code, Access.WRITE)
    doc = {"_id": str(uuid.uuid4()), **body.model_dump(), "created_by": principal.sub, "created_at": ctx.clock.now()}
    await ctx.db[EMPLOYERS].insert_one(doc)
    return doc


async def load_job(ctx: Employment, principal: Principal, job_id: str, access: Access) -> dict[str, Any]:
    return await find_authorized(ctx.db[JOBS], job_id, principal, access, "job", "job.not_found")


async def post_job(ctx: Employment, principal: Principal, body: JobIn) -> dict[str, Any]:
    employer = await ctx.db[EMPLOYERS].find_one({"_id": body.employer_id})
    if employer is None:
        raise invalid("job.employer.unknown", f"employer {body.employer_id} is not registered", ["body", "employer_id"])
    principal.authorize(employer["community_code"], Access.WRITE)

    async def work(tx: Tx) -> dict[str, Any]:
        job = {"_id": str(uuid.uuid4()), **body.model_dump(mode="json"), "employer_name": employer["name"],
               "community_code": employer["community_code"], "hires": 0, "status": "open", "version": 1,
               "posted_by": principal.sub, "posted_at": ctx.clock.now()}
        await tx.db[JOBS].insert_one(job, session=tx.session)
        tx.emit(JobPosted(job_id=job["_id"], employer_id=employer["_id"], community_code=job["community_code"],
                          title=job["title"], category=job["category"], headcount=job["headcount"],
                          wage_min_cny=job["wage_min_cny"], wage_max_cny=job["wage_max_cny"],
                          suits_4050=job["suits_4050"], suits_disabled=job["suits_disabled"]),
                subject=job["_id"], community=job["community_code"], aggregate_version=1)
        return job

    return await ctx.uow.run(work)


async def update_job(ctx: Employment, principal: Principal, job_id: str, patch: JobPatch, if_match: int) -> dict:
    job = await load_job(ctx, principal, job_id, Access.WRITE)
    changes = patch.model_dump(exclude_unset=True)
    merged = {**job, **changes}
    if merged["status"] != "closed":  # open means open for hires: a full posting is filled
        changes["status"] = job_status_after_hire(merged["headcount"], merged["hires"])

    async def work(tx: Tx) -> dict[str, Any]:
        return await save_job(tx, job, changes, expected_version=if_match)

    return await ctx.uow.run(work)


async def save_job(tx: Tx, job: dict[str, Any], changes: dict[str, Any], expected_version: int) -> dict[str, Any]:
    updated = {**job, **changes, "version": job["version"] + 1}
    result = await tx.db[JOBS].replace_one({"_id": job["_id"], "version": expected_version}, updated,
                                           session=tx.session)
    if not result.modified_count:
        raise Problem(412, "version.mismatch", f"job {job['_id']} changed meanwhile; re-read and retry")
    if updated["status"] != job["status"] or updated["headcount"] != job["headcount"] or \
            updated["hires"] != job["hires"]:
        tx.emit(JobUpdated(job_id=job["_id"], community_code=job["community_code"], status=updated["status"],
                           headcount=updated["headcount"], hires=updated["hires"]),
                subject=job["_id"], community=job["community_code"], aggregate_version=updated["version"])
    return updated
