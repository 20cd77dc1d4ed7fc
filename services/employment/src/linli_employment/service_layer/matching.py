"""Matching both ways, over the seekers and postings of the same district, within the caller's scope."""
from __future__ import annotations

from datetime import date
from typing import Any

from linli_shared.auth import Access, Principal

from linli_employment.domain.matching import Match, Posting, SeekerProfile, rank_postings, rank_seekers
from linli_employment.service_layer import jobs, seekers
from linli_employment.service_layer.context import Employment
from linli_employment.storage.indexes import JOBS, SEEKERS
from linli_employment.storage.seekers import ON_LIST

PROFILE_FIELDS = {"community_code": 1, "gender": 1, "birth_date": 1, "intentions": 1, "priority_groups": 1}


def profile(seeker: dict[str, Any]) -> SeekerProfile:
    intentions = seeker.get("intentions") or {}
    return SeekerProfile(seeker_id=seeker["_id"], community_code=seeker["community_code"], gender=seeker["gender"],
                         birth_date=date.fromisoformat(seeker["birth_date"]),
                         categories=intentions.get("categories", []), hours=intentions.get("hours", []),
                         min_monthly_wage_cny=intentions.get("min_monthly_wage_cny"),
                         skills=intentions.get("skills", []), certificates=intentions.get("certificates", []),
                         priority_groups=seeker.get("priority_groups", []))


def posting(job: dict[str, Any]) -> Posting:
    return Posting(job_id=job["_id"], **{k: job[k] for k in (
        "community_code", "category", "hours", "wage_min_cny", "wage_max_cny", "skills_required", "skills_preferred",
        "certificates_required", "requirement", "suits_4050", "suits_disabled", "guarantor_needed")})


async def for_job(ctx: Employment, principal: Principal, job_id: str, limit: int) -> list[Match]:
    job = await jobs.load_job(ctx, principal, job_id, Access.READ)
    query = {"$and": [{"community_code": {"$regex": f"^{job['community_code'][:6]}"}},
                      {"status": {"$in": list(ON_LIST)}}, principal.scope_filter()]}
    candidates = await ctx.db[SEEKERS].find(query, PROFILE_FIELDS).to_list()
    return rank_seekers(posting(job), (profile(s) for s in candidates), ctx.clock.today(), limit)


async def for_seeker(ctx: Employment, principal: Principal, seeker_id: str, limit: int) -> list[Match]:
    seeker = await seekers.load(ctx, principal, seeker_id, Access.READ)
    open_jobs = await ctx.db[JOBS].find({"community_code": {"$regex": f"^{seeker['community_code'][:6]}"},
                                         "status": "open"}).to_list()
    return rank_postings(profile(seeker), (posting(j) for j in open_jobs), ctx.clock.today(), limit)
