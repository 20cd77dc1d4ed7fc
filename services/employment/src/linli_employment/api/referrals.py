"""Referrals, outcomes, trainings and statistics."""
from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from linli_shared.auth import CurrentPrincipal
from linli_shared.orgs import OrgCode

from linli_employment.api.deps import EmploymentDep
from linli_employment.api.schemas import CompletionIn, EnrollmentIn, OutcomeIn, ReferralIn, ReferralOut, TrainingIn
from linli_employment.service_layer import referrals, statistics, trainings
from linli_employment.storage.trainings import Enrollment

router = APIRouter(prefix="/v1", tags=["referrals"])


def enrollment_out(enrollment: Enrollment) -> dict:
    """As answered before enrollments carried a version: the completion's fields once completed."""
    unset = {"version"} if enrollment.status == "completed" else {"version", "certificate", "completed_on"}
    return enrollment.model_dump(exclude=unset)


@router.post("/referrals", response_model=ReferralOut, status_code=201)
async def refer(body: ReferralIn, ctx: EmploymentDep, principal: CurrentPrincipal) -> ReferralOut:
    return ReferralOut(**(await referrals.refer(ctx, principal, body.command())).model_dump())


@router.get("/referrals/{referral_id}", response_model=ReferralOut)
async def get_referral(referral_id: str, ctx: EmploymentDep, principal: CurrentPrincipal) -> ReferralOut:
    return ReferralOut(**(await referrals.load(ctx, principal, referral_id)).model_dump())


@router.post("/referrals/{referral_id}/outcome", response_model=ReferralOut)
async def outcome(referral_id: str, body: OutcomeIn, ctx: EmploymentDep, principal: CurrentPrincipal) -> ReferralOut:
    return ReferralOut(**(await referrals.record_outcome(ctx, principal, referral_id, body.command())).model_dump())


@router.post("/trainings", status_code=201)
async def create_training(body: TrainingIn, ctx: EmploymentDep, principal: CurrentPrincipal) -> dict:
    return (await trainings.create(ctx, principal, body.command())).model_dump()


@router.post("/trainings/{training_id}/enrollments", status_code=201)
async def enroll(training_id: str, body: EnrollmentIn, ctx: EmploymentDep, principal: CurrentPrincipal) -> dict:
    return enrollment_out(await trainings.enroll(ctx, principal, training_id, body.command()))


@router.post("/enrollments/{enrollment_id}/complete")
async def complete(enrollment_id: str, body: CompletionIn, ctx: EmploymentDep, principal: CurrentPrincipal) -> dict:
    return enrollment_out(await trainings.complete(ctx, principal, enrollment_id, body.certificate))


@router.get("/orgs/{code}/employment-statistics")
async def employment_statistics(code: OrgCode, ctx: EmploymentDep, principal: CurrentPrincipal,
                                since: Annotated[date, Query(alias="from")],
                                until: Annotated[date, Query(alias="to")]) -> dict:
    """Seekers, referrals and placements (4050 apart), trainees by cohort, trainings completed.

    Officers (aggregates only) get small cells suppressed: a figure behind 1 to `suppressed_below` − 1
    residents (each counted once however many referrals, placements or enrollments) is null and named in
    `suppressed` (dotted, e.g. `trainees_by_cohort.unemployed`), and so is a figure it could be worked
    out from (a 4050 figure and the rest of its total; cohorts and completed trainings, which split the
    same enrollments). Whoever may read people sees exact figures (`suppressed` empty)."""
    return await statistics.employment_statistics(ctx, principal, code, since, until)
