"""Employers and their postings: businesses and households, open until filled or closed."""
from __future__ import annotations

import uuid

from linli_shared.auth import Access, Principal
from linli_shared.errors import invalid

from linli_employment.domain.commands import AddEmployer, ChangeJob, PostJob
from linli_employment.domain.referrals import job_status_after_hire
from linli_employment.service_layer.context import Employment
from linli_employment.storage import employers, jobs
from linli_employment.storage.employers import Employer
from linli_employment.storage.jobs import Job


async def add_employer(ctx: Employment, principal: Principal, cmd: AddEmployer) -> Employer:
    principal.authorize(cmd.community_code, Access.WRITE)
    employer = Employer(id=str(uuid.uuid4()), name=cmd.name, kind=cmd.kind, community_code=cmd.community_code,
                        contact_name=cmd.contact_name, phone=cmd.phone, address=cmd.address,
                        created_by=principal.sub, created_at=ctx.clock.now())
    await ctx.uow.run(lambda tx: employers.insert(tx, employer))
    return employer


async def load_job(ctx: Employment, principal: Principal, job_id: str, access: Access) -> Job:
    return await jobs.load(ctx.db, principal, job_id, access)


async def post_job(ctx: Employment, principal: Principal, cmd: PostJob) -> Job:
    employer = await employers.find(ctx.db, cmd.employer_id)
    if employer is None:
        raise invalid("job.employer.unknown", f"employer {cmd.employer_id} is not registered", ["body", "employer_id"])
    principal.authorize(employer.community_code, Access.WRITE)
    job = Job(id=str(uuid.uuid4()), employer_id=cmd.employer_id, employer_name=employer.name,
              community_code=employer.community_code, title=cmd.title, category=cmd.category,
              headcount=cmd.headcount, hires=0, wage_min_cny=cmd.wage_min_cny, wage_max_cny=cmd.wage_max_cny,
              hours=cmd.hours, skills_required=cmd.skills_required, skills_preferred=cmd.skills_preferred,
              certificates_required=cmd.certificates_required, requirement=cmd.requirement,
              guarantor_needed=cmd.guarantor_needed, suits_4050=cmd.suits_4050, suits_disabled=cmd.suits_disabled,
              description=cmd.description, status="open", version=1, posted_by=principal.sub,
              posted_at=ctx.clock.now())
    await ctx.uow.run(lambda tx: jobs.insert(tx, job))
    return job


async def update_job(ctx: Employment, principal: Principal, job_id: str, cmd: ChangeJob) -> Job:
    job = await load_job(ctx, principal, job_id, Access.WRITE)
    changes = dict(cmd.changes)
    merged = {**job.model_dump(), **changes}
    if merged["status"] != "closed":  # open means open for hires: a full posting is filled
        changes["status"] = job_status_after_hire(merged["headcount"], merged["hires"])
    return await ctx.uow.run(lambda tx: jobs.save(tx, job, changes, cmd.expected_version))


async def page(ctx: Employment, principal: Principal, community: str | None, status: str | None,
               category: str | None, limit: int, cursor: str | None) -> tuple[list[Job], str | None]:
    """Postings within the caller's scope, optionally of one community, status or category, a page at a time."""
    return await jobs.page(ctx.db, principal, community, status, category, limit, cursor)
