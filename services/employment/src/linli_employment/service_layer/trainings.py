"""Vocational training (职业技能培训): programmes, enrolments by cohort, completion."""
from __future__ import annotations

import uuid

from linli_shared.auth import Access, Principal
from linli_shared.errors import conflict, invalid, not_found
from linli_shared.outbox import Tx

from linli_employment.domain.commands import CreateTraining, Enroll
from linli_employment.service_layer.context import Employment
from linli_employment.storage import residents, trainings
from linli_employment.storage.trainings import Enrollment, Training


async def create(ctx: Employment, principal: Principal, cmd: CreateTraining) -> Training:
    principal.authorize(cmd.org_code, Access.WRITE)
    training = Training(id=str(uuid.uuid4()), org_code=cmd.org_code, name=cmd.name, kind=cmd.kind,
                        starts_on=cmd.starts_on, ends_on=cmd.ends_on, capacity=cmd.capacity, enrolled=0,
                        created_by=principal.sub)
    await ctx.uow.run(lambda tx: trainings.insert_training(tx, training))
    return training


async def enroll(ctx: Employment, principal: Principal, training_id: str, cmd: Enroll) -> Enrollment:
    training = await trainings.find_training(ctx.db, training_id)
    if training is None:
        raise not_found("training.not_found", f"training {training_id} does not exist")
    resident = await residents.find_active(ctx.db, cmd.resident_id)
    if resident is None:
        raise invalid("enrollment.resident.unknown", f"{cmd.resident_id} is not an active resident",
                      ["body", "resident_id"])
    principal.authorize(resident.community_code, Access.WRITE)
    if not resident.community_code.startswith(training.org_code):
        raise invalid("enrollment.outside_training_area", "the resident lives outside the training's area",
                      ["body", "resident_id"])

    async def work(tx: Tx) -> Enrollment:
        if await trainings.is_enrolled(tx, training_id, cmd.resident_id):
            raise conflict("enrollment.duplicate", "this resident is already enrolled")
        if not await trainings.take_place(tx, training):
            raise conflict("training.full", f"the training is full ({training.capacity} places)")
        enrollment = Enrollment(id=str(uuid.uuid4()), training_id=training_id, resident_id=cmd.resident_id,
                                community_code=resident.community_code, cohort=cmd.cohort, status="enrolled",
                                enrolled_on=ctx.clock.today().isoformat(), version=1)
        await trainings.insert_enrollment(tx, enrollment)
        return enrollment

    return await ctx.uow.run(work)


async def complete(ctx: Employment, principal: Principal, enrollment_id: str, certificate: str | None) -> Enrollment:
    enrollment = await trainings.load_enrollment(ctx.db, principal, enrollment_id, Access.WRITE)

    async def work(tx: Tx) -> Enrollment:
        done = await trainings.complete(tx, enrollment, certificate, ctx.clock.today().isoformat())
        if done is None:
            raise conflict("enrollment.already_completed", "this enrolment is already completed")
        return done

    return await ctx.uow.run(work)
