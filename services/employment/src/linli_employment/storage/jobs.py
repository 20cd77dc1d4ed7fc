"""Job postings (岗位): open until their head count is hired or they are closed, every change versioned."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from linli_shared.auth import Access, Principal
from linli_shared.mongo import find_authorized, update_versioned
from linli_shared.orgs import prefix_regex
from linli_shared.outbox import Tx
from linli_shared.pagination import page_by_id

from linli_employment.domain.jobs import JobFields
from linli_employment.domain.matching import Posting
from linli_employment.events import JobPosted, JobUpdated
from linli_employment.storage.documents import Stored
from linli_employment.storage.indexes import JOBS

MATCHED_FIELDS = ("community_code", "category", "hours", "wage_min_cny", "wage_max_cny", "skills_required",
                  "skills_preferred", "certificates_required", "requirement", "suits_4050", "suits_disabled",
                  "guarantor_needed")


class Job(Stored, JobFields):
    posted_by: str | None = None
    posted_at: datetime | None = None


def posting(job: Mapping[str, Any]) -> Posting:
    """A stored posting as matching ranks it."""
    return Posting(job_id=job["_id"], **{k: job[k] for k in MATCHED_FIELDS})


async def insert(tx: Tx, job: Job) -> None:
    await tx.db[JOBS].insert_one(job.doc(), session=tx.session)
    tx.emit(JobPosted(job_id=job.id, employer_id=job.employer_id, community_code=job.community_code,
                      title=job.title, category=job.category, headcount=job.headcount,
                      wage_min_cny=job.wage_min_cny, wage_max_cny=job.wage_max_cny,
                      suits_4050=job.suits_4050, suits_disabled=job.suits_disabled),
            subject=job.id, community=job.community_code, aggregate_version=job.version)


async def load(db: AsyncDatabase, principal: Principal, job_id: str, access: Access) -> Job:
    return Job.model_validate(await find_authorized(db[JOBS], job_id, principal, access, "job", "job.not_found"))


async def get(tx: Tx, job_id: str) -> Job:
    return Job.model_validate(await tx.db[JOBS].find_one({"_id": job_id}, session=tx.session))


async def save(tx: Tx, job: Job, changes: dict[str, Any], expected_version: int) -> Job:
    """`changes` only if the job is still at `expected_version` (412 otherwise); `job.updated` when the
    status, head count or hires changed."""
    update = {"$set": changes} if changes else {}
    updated = Job.model_validate(await update_versioned(tx.db[JOBS], job.id, expected_version, update, tx.session,
                                                        "job.not_found", what="job"))
    if (updated.status, updated.headcount, updated.hires) != (job.status, job.headcount, job.hires):
        tx.emit(JobUpdated(job_id=job.id, community_code=job.community_code, status=updated.status,
                           headcount=updated.headcount, hires=updated.hires),
                subject=job.id, community=job.community_code, aggregate_version=updated.version)
    return updated


async def page(db: AsyncDatabase, principal: Principal, community: str | None, status: str | None,
               category: str | None, limit: int, cursor: str | None) -> tuple[list[Job], str | None]:
    """Postings within the principal's scope, optionally one community's, status's or category's."""
    clauses = [principal.scope_filter(), *([{"community_code": community}] if community else []),
               *([{"status": status}] if status else []), *([{"category": category}] if category else [])]
    docs, next_cursor = await page_by_id(db[JOBS], {"$and": clauses}, limit, cursor)
    return [Job.model_validate(d) for d in docs], next_cursor


async def open_in(db: AsyncDatabase, district: str) -> list[Posting]:
    docs = await db[JOBS].find({"community_code": prefix_regex(district), "status": "open"}).to_list()
    return [posting(doc) for doc in docs]
