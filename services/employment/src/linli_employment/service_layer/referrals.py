"""Referrals (推荐就业) and their outcomes; a hire is a placement whose follow-ups become due later."""
from __future__ import annotations

import uuid
from typing import Any

from linli_shared.auth import Access, Principal
from linli_shared.errors import Problem, conflict, invalid
from linli_shared.mongo import find_authorized
from linli_shared.outbox import Tx

from linli_employment.api.schemas import OutcomeIn, ReferralIn
from linli_employment.domain.referrals import TransitionError, follow_up_schedule, job_status_after_hire, next_status
from linli_employment.events import PlacementStarted, ReferralMade, ReferralOutcomeRecorded, SeekerUpdated
from linli_employment.service_layer import jobs, seekers
from linli_employment.service_layer.context import Employment
from linli_employment.storage.indexes import JOBS, PLACEMENTS, REFERRALS, SEEKERS
from linli_employment.storage.seekers import ON_LIST
from linli_employment.storage.seekers import emit as emit_seeker

FINAL = {"hired", "rejected", "declined", "no_show"}


async def refer(ctx: Employment, principal: Principal, body: ReferralIn) -> dict[str, Any]:
    seeker = await seekers.load(ctx, principal, body.seeker_id, Access.WRITE)
    job = await jobs.load_job(ctx, principal, body.job_id, Access.READ)
    if seeker["status"] not in ON_LIST:
        raise conflict("seeker.inactive", f"the seeker is {seeker['status']}, not on the active list")
    if job["status"] != "open":
        raise conflict(f"job.{job['status']}", f"job {job['_id']} is {job['status']}; it takes no referrals")
    if job["community_code"][:6] != seeker["community_code"][:6]:
        raise invalid("referral.other_district", "seeker and job are in different districts", ["body", "job_id"])

    async def work(tx: Tx) -> dict[str, Any]:
        if await tx.db[REFERRALS].find_one({"seeker_id": seeker["_id"], "job_id": job["_id"],
                                            "status": {"$nin": list(FINAL)}}, session=tx.session):
            raise conflict("referral.duplicate", "this seeker already has an open referral to this job")
        now = ctx.clock.now()
        referral = {"_id": str(uuid.uuid4()), "seeker_id": seeker["_id"], "resident_id": seeker["resident_id"],
                    "job_id": job["_id"], "community_code": seeker["community_code"],
                    "job_community": job["community_code"], "status": "referred",
                    "priority_groups": seeker["priority_groups"], "interview_at": body.interview_at,
                    "referred_by": principal.sub, "referred_on": ctx.clock.today().isoformat(), "version": 1,
                    "history": [{"status": "referred", "at": now, "by": principal.sub, "note": body.note}]}
        await tx.db[REFERRALS].insert_one(referral, session=tx.session)
        tx.emit(ReferralMade(referral_id=referral["_id"], seeker_id=seeker["_id"], resident_id=seeker["resident_id"],
                             community_code=seeker["community_code"], job_id=job["_id"], job_title=job["title"],
                             employer_name=job["employer_name"], referred_by=principal.sub,
                             interview_at=body.interview_at),
                subject=referral["_id"], community=seeker["community_code"], aggregate_version=1)
        return referral

    return await ctx.uow.run(work)


async def record_outcome(ctx: Employment, principal: Principal, referral_id: str, body: OutcomeIn) -> dict:
    referral = await find_authorized(ctx.db[REFERRALS], referral_id, principal, Access.WRITE, "referral",
                                     "referral.not_found")
    try:
        status = next_status(referral["status"], body.outcome)
    except TransitionError as exc:
        raise conflict(exc.code, str(exc)) from exc
    if status == "hired" and (body.start_date is None or body.wage_cny is None):
        raise invalid("referral.hire.incomplete", "a hire needs start_date and wage_cny", ["body", "start_date"])

    async def work(tx: Tx) -> dict[str, Any]:
        current = await tx.db[REFERRALS].find_one({"_id": referral_id}, session=tx.session)
        if current["version"] != referral["version"]:
            raise Problem(412, "version.mismatch", "the referral changed meanwhile; re-read and retry")
        entry = {"status": status, "at": ctx.clock.now(), "by": principal.sub, "note": body.note}
        updated = {**current, "status": status, "history": [*current["history"], entry],
                   "version": current["version"] + 1}
        if status == "hired":
            updated["placement_id"] = await _place(ctx, tx, updated, body)
        await tx.db[REFERRALS].replace_one({"_id": referral_id}, updated, session=tx.session)
        tx.emit(ReferralOutcomeRecorded(referral_id=referral_id, seeker_id=updated["seeker_id"],
                                        resident_id=updated["resident_id"], community_code=updated["community_code"],
                                        job_id=updated["job_id"], outcome=body.outcome, recorded_by=principal.sub),
                subject=referral_id, community=updated["community_code"], aggregate_version=updated["version"])
        return updated

    return await ctx.uow.run(work)


async def _place(ctx: Employment, tx: Tx, referral: dict[str, Any], body: OutcomeIn) -> str:
    """A hire: the placement, the job's head count, and the seeker off the active list."""
    job = await tx.db[JOBS].find_one({"_id": referral["job_id"]}, session=tx.session)
    if job["status"] != "open":
        raise conflict(f"job.{job['status']}", f"job {job['_id']} is {job['status']}; no more hires")
    hires = job["hires"] + 1
    await jobs.save_job(tx, job, {"hires": hires, "status": job_status_after_hire(job["headcount"], hires)},
                        expected_version=job["version"])
    placement = {"_id": str(uuid.uuid4()), "referral_id": referral["_id"], "seeker_id": referral["seeker_id"],
                 "resident_id": referral["resident_id"], "job_id": job["_id"],
                 "community_code": referral["community_code"], "priority_groups": referral["priority_groups"],
                 "start_date": body.start_date.isoformat(), "wage_cny": body.wage_cny,
                 "referred_by": referral["referred_by"], "follow_ups_done": [],
                 "follow_ups_pending": [day for day, _ in follow_up_schedule(body.start_date)]}
    await tx.db[PLACEMENTS].insert_one(placement, session=tx.session)
    tx.emit(PlacementStarted(placement_id=placement["_id"], referral_id=referral["_id"],
                             seeker_id=referral["seeker_id"], resident_id=referral["resident_id"],
                             community_code=referral["community_code"], job_id=job["_id"], start_date=body.start_date,
                             wage_cny=body.wage_cny, referred_by=referral["referred_by"]),
            subject=placement["_id"], community=referral["community_code"], aggregate_version=1)
    seeker = await tx.db[SEEKERS].find_one({"_id": referral["seeker_id"]}, session=tx.session)
    seeker = {**seeker, "status": "placed", "version": seeker["version"] + 1}
    await tx.db[SEEKERS].replace_one({"_id": seeker["_id"]}, seeker, session=tx.session)
    emit_seeker(tx, seeker, SeekerUpdated)
    return placement["_id"]
