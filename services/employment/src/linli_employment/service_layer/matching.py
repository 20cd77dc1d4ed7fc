"""Matching both ways, over the seekers and postings of the same district, within the caller's scope."""
from __future__ import annotations

from typing import Any

from linli_shared.auth import Access, Principal
from linli_shared.orgs import prefix_regex

from linli_employment.domain.matching import Match, Posting, rank_postings, rank_seekers
from linli_employment.service_layer import jobs, seekers
from linli_employment.service_layer.context import Employment
from linli_employment.storage.indexes import JOBS
from linli_employment.storage.kept_seekers import district_of, profile


def posting(job: dict[str, Any]) -> Posting:
    return Posting(job_id=job["_id"], **{k: job[k] for k in (
        "community_code", "category", "hours", "wage_min_cny", "wage_max_cny", "skills_required", "skills_preferred",
        "certificates_required", "requirement", "suits_4050", "suits_disabled", "guarantor_needed")})


async def for_job(ctx: Employment, principal: Principal, job_id: str, limit: int) -> list[Match]:
    job = await jobs.load_job(ctx, principal, job_id, Access.READ)
    district = await ctx.kept_seekers.of(ctx.db, district_of(job["community_code"]))
    candidates = (p for p in district.on_list.values() if principal.covers(p.community_code))
    return rank_seekers(posting(job), candidates, ctx.clock.today(), limit)


async def for_seeker(ctx: Employment, principal: Principal, seeker_id: str, limit: int) -> list[Match]:
    seeker = await seekers.load(ctx, principal, seeker_id, Access.READ)
    open_jobs = await ctx.db[JOBS].find({"community_code": prefix_regex(district_of(seeker['community_code'])),
                                         "status": "open"}).to_list()
    return rank_postings(profile(seeker), (posting(j) for j in open_jobs), ctx.clock.today(), limit)
