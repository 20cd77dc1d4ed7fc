"""Matching both ways, over the seekers and postings of the same district, within the caller's scope."""
from __future__ import annotations

from linli_shared.auth import Access, Principal

from linli_employment.domain.matching import Match, rank_postings, rank_seekers
from linli_employment.service_layer import jobs, seekers
from linli_employment.service_layer.context import Employment
from linli_employment.storage.jobs import open_in, posting
from linli_employment.storage.kept_seekers import district_of, profile

__all__ = ["for_job", "for_seeker", "posting"]  # `posting` stays importable here (bench/employment_matching.py)


async def for_job(ctx: Employment, principal: Principal, job_id: str, limit: int) -> list[Match]:
    job = await jobs.load_job(ctx, principal, job_id, Access.READ)
    district = await ctx.kept_seekers.of(ctx.db, district_of(job.community_code))
    candidates = (p for p in district.on_list.values() if principal.covers(p.community_code))
    return rank_seekers(posting(job.doc()), candidates, ctx.clock.today(), limit)


async def for_seeker(ctx: Employment, principal: Principal, seeker_id: str, limit: int) -> list[Match]:
    seeker = await seekers.load(ctx, principal, seeker_id, Access.READ)
    open_jobs = await open_in(ctx.db, district_of(seeker.community_code))
    return rank_postings(profile(seeker.doc()), open_jobs, ctx.clock.today(), limit)
