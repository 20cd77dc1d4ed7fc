"""Vocational training (职业技能培训): programmes, enrolments by cohort, completion."""
from __future__ import annotations

import uuid
from typing import Any

from linli_shared.auth import Access, Principal
from linli_shared.errors import conflict, invalid, not_found
from linli_shared.mongo import find_authorized
from linli_shared.outbox import Tx

from linli_employment.api.schemas import EnrollmentIn, TrainingIn
from linli_employment.events import TrainingCompleted
from linli_employment.service_layer.context import Employment
from linli_employment.storage.indexes import ENROLLMENTS, RESIDENTS, TRAININGS


async def create(ctx: Employment, principal: Principal, body: TrainingIn) -> dict[str, Any]:
    principal.authorize(body.org_code, Access.WRITE)
    doc = {"_id": str(uuid.uuid4()), **body.model_dump(mode="json"), "enrolled": 0, "created_by": principal.sub}
    await ctx.db[TRAININGS].insert_one(doc)
    return doc


async def enroll(ctx: Employment, principal: Principal, training_id: str, body: EnrollmentIn) -> dict[str, Any]:
    training = await ctx.db[TRAININGS].find_one({"_id": training_id})
    if training is None:
        raise not_found("training.not_found", f"training {training_id} does not exist")
    resident = await ctx.db[RESIDENTS].find_one({"_id": body.resident_id, "status": "active"})
    if resident is None:
        raise invalid("enrollment.resident.unknown", f"{body.resident_id} is not an active resident",
                      ["body", "resident_id"])
    principal.authorize(resident["community_code"], Access.WRITE)
    if not resident["community_code"].startswith(training["org_code"]):
        raise invalid("enrollment.outside_training_area", "the resident lives outside the training's area",
                      ["body", "resident_id"])

    async def work(tx: Tx) -> dict[str, Any]:
        if await tx.db[ENROLLMENTS].find_one({"training_id": training_id, "resident_id": body.resident_id},
                                             session=tx.session):
            raise conflict("enrollment.duplicate", "this resident is already enrolled")
        result = await tx.db[TRAININGS].update_one({"_id": training_id, "enrolled": {"$lt": training["capacity"]}},
                                                   {"$inc": {"enrolled": 1}}, session=tx.session)
        if not result.modified_count:
            raise conflict("training.full", f"the training is full ({training['capacity']} places)")
        doc = {"_id": str(uuid.uuid4()), "training_id": training_id, "resident_id": body.resident_id,
               "community_code": resident["community_code"], "cohort": body.cohort, "status": "enrolled",
               "enrolled_on": ctx.clock.today().isoformat()}
        await tx.db[ENROLLMENTS].insert_one(doc, session=tx.session)
        return doc

    return await ctx.uow.run(work)


async def complete(ctx: Employment, principal: Principal, enrollment_id: str, certificate: str | None) -> dict:
    enrollment = await find_authorized(ctx.db[ENROLLMENTS], enrollment_id, principal, Access.WRITE, "enrollment",
                                       "enrollment.not_found")

    async def work(tx: Tx) -> dict[str, Any]:
        changes = {"status": "completed", "certificate": certificate, "completed_on": ctx.clock.today().isoformat()}
        result = await tx.db[ENROLLMENTS].update_one({"_id": enrollment_id, "status": "enrolled"}, {"$set": changes},
                                                     session=tx.session)
        if not result.modified_count:
            raise conflict("enrollment.already_completed", "this enrolment is already completed")
        tx.emit(TrainingCompleted(enrollment_id=enrollment_id, training_id=enrollment["training_id"],
                                  resident_id=enrollment["resident_id"], community_code=enrollment["community_code"],
                                  cohort=enrollment["cohort"], certificate=certificate),
                subject=enrollment_id, community=enrollment["community_code"], aggregate_version=2)
        return {**enrollment, **changes}

    return await ctx.uow.run(work)
