"""Referrals (推荐就业) and their outcomes; a hire is a placement whose follow-ups become due later."""
from __future__ import annotations

import uuid

from linli_shared.auth import Access, Principal
from linli_shared.errors import conflict, invalid
from linli_shared.outbox import Tx

from linli_employment.domain.commands import RecordOutcome, Refer
from linli_employment.domain.referrals import TransitionError, follow_up_schedule, job_status_after_hire, next_status
from linli_employment.events import PlacementStarted, ReferralMade, ReferralOutcomeRecorded
from linli_employment.service_layer import jobs, seekers
from linli_employment.service_layer.context import Employment
from linli_employment.storage import jobs as stored_jobs
from linli_employment.storage import placements, referrals
from linli_employment.storage import seekers as stored_seekers
from linli_employment.storage.placements import Placement
from linli_employment.storage.referrals import Referral, Step
from linli_employment.storage.seekers import ON_LIST


async def refer(ctx: Employment, principal: Principal, cmd: Refer) -> Referral:
    seeker = await seekers.load(ctx, principal, cmd.seeker_id, Access.WRITE)
    job = await jobs.load_job(ctx, principal, cmd.job_id, Access.READ)
    if seeker.status not in ON_LIST:
        raise conflict("seeker.inactive", f"the seeker is {seeker.status}, not on the active list")
    if job.status != "open":
        raise conflict(f"job.{job.status}", f"job {job.id} is {job.status}; it takes no referrals")
    if job.community_code[:6] != seeker.community_code[:6]:
        raise invalid("referral.other_district", "seeker and job are in different districts", ["body", "job_id"])

    async def work(tx: Tx) -> Referral:
        if await referrals.open_exists(tx, seeker.id, job.id):
            raise conflict("referral.duplicate", "this seeker already has an open referral to this job")
        referral = Referral(id=str(uuid.uuid4()), seeker_id=seeker.id, resident_id=seeker.resident_id, job_id=job.id,
                            community_code=seeker.community_code, job_community=job.community_code,
                            status="referred", priority_groups=seeker.priority_groups, interview_at=cmd.interview_at,
                            referred_by=principal.sub, referred_on=ctx.clock.today().isoformat(), version=1,
                            history=[Step(status="referred", at=ctx.clock.now(), by=principal.sub, note=cmd.note)])
        await referrals.insert(tx, referral)
        tx.emit(ReferralMade(referral_id=referral.id, seeker_id=seeker.id, resident_id=seeker.resident_id,
                             community_code=seeker.community_code, job_id=job.id, job_title=job.title,
                             employer_name=job.employer_name, referred_by=principal.sub,
                             interview_at=cmd.interview_at),
                subject=referral.id, community=seeker.community_code, aggregate_version=1)
        return referral

    return await ctx.uow.run(work)


async def load(ctx: Employment, principal: Principal, referral_id: str) -> Referral:
    return await referrals.load(ctx.db, principal, referral_id, Access.READ)


async def record_outcome(ctx: Employment, principal: Principal, referral_id: str, cmd: RecordOutcome) -> Referral:
    referral = await referrals.load(ctx.db, principal, referral_id, Access.WRITE)
    try:
        status = next_status(referral.status, cmd.outcome)
    except TransitionError as exc:
        raise conflict(exc.code, str(exc)) from exc
    if status == "hired" and (cmd.start_date is None or cmd.wage_cny is None):
        raise invalid("referral.hire.incomplete", "a hire needs start_date and wage_cny", ["body", "start_date"])

    async def work(tx: Tx) -> Referral:
        step = Step(status=status, at=ctx.clock.now(), by=principal.sub, note=cmd.note)
        placement_id = str(uuid.uuid4()) if status == "hired" else None
        updated = await referrals.record(tx, referral, step, placement_id)
        if placement_id is not None:
            await _place(tx, updated, placement_id, cmd)
        tx.emit(ReferralOutcomeRecorded(referral_id=referral_id, seeker_id=updated.seeker_id,
                                        resident_id=updated.resident_id, community_code=updated.community_code,
                                        job_id=updated.job_id, outcome=cmd.outcome, recorded_by=principal.sub),
                subject=referral_id, community=updated.community_code, aggregate_version=updated.version)
        return updated

    return await ctx.uow.run(work)


async def _place(tx: Tx, referral: Referral, placement_id: str, cmd: RecordOutcome) -> None:
    """A hire: the placement, the job's head count, and the seeker off the active list."""
    job = await stored_jobs.get(tx, referral.job_id)
    if job.status != "open":
        raise conflict(f"job.{job.status}", f"job {job.id} is {job.status}; no more hires")
    hires = job.hires + 1
    await stored_jobs.save(tx, job, {"hires": hires, "status": job_status_after_hire(job.headcount, hires)},
                           expected_version=job.version)
    assert cmd.start_date is not None and cmd.wage_cny is not None  # a hire is complete (checked above)
    placement = Placement(id=placement_id, referral_id=referral.id, seeker_id=referral.seeker_id,
                          resident_id=referral.resident_id, job_id=job.id, community_code=referral.community_code,
                          priority_groups=referral.priority_groups, start_date=cmd.start_date, wage_cny=cmd.wage_cny,
                          referred_by=referral.referred_by, follow_ups_done=[],
                          follow_ups_pending=[day for day, _ in follow_up_schedule(cmd.start_date)])
    await placements.insert(tx, placement)
    tx.emit(PlacementStarted(placement_id=placement.id, referral_id=referral.id, seeker_id=referral.seeker_id,
                             resident_id=referral.resident_id, community_code=referral.community_code, job_id=job.id,
                             start_date=cmd.start_date, wage_cny=cmd.wage_cny, referred_by=referral.referred_by),
            subject=placement.id, community=referral.community_code, aggregate_version=1)
    await stored_seekers.place(tx, referral.seeker_id)
