"""Vocational trainings (职业技能培训) and their enrollments, each completed once."""
from __future__ import annotations

from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from linli_shared.auth import Access, Principal
from linli_shared.mongo import find_authorized
from linli_shared.orgs import prefix_regex
from linli_shared.outbox import Tx

from linli_employment.events import TrainingCompleted
from linli_employment.storage.documents import IsoDate, Stored
from linli_employment.storage.indexes import ENROLLMENTS, TRAININGS


class Training(Stored):
    org_code: str
    name: str
    kind: str
    starts_on: IsoDate
    ends_on: IsoDate
    capacity: int
    enrolled: int
    created_by: str | None = None


class Enrollment(Stored):
    UNWRITTEN_WHEN_NONE = frozenset({"certificate", "completed_on"})

    training_id: str
    resident_id: str
    community_code: str
    cohort: str
    status: str
    enrolled_on: str  # ISO day
    certificate: str | None = None
    completed_on: str | None = None
    version: int = 1  # enrollments written before it was stored were at 1 until completed


async def insert_training(tx: Tx, training: Training) -> None:
    await tx.db[TRAININGS].insert_one(training.doc(), session=tx.session)


async def find_training(db: AsyncDatabase, training_id: str) -> Training | None:
    doc = await db[TRAININGS].find_one({"_id": training_id})
    return None if doc is None else Training.model_validate(doc)


async def take_place(tx: Tx, training: Training) -> bool:
    """One more enrolled, unless the training is full."""
    result = await tx.db[TRAININGS].update_one({"_id": training.id, "enrolled": {"$lt": training.capacity}},
                                               {"$inc": {"enrolled": 1}}, session=tx.session)
    return bool(result.modified_count)


async def is_enrolled(tx: Tx, training_id: str, resident_id: str) -> bool:
    return await tx.db[ENROLLMENTS].find_one({"training_id": training_id, "resident_id": resident_id},
                                             session=tx.session) is not None


async def insert_enrollment(tx: Tx, enrollment: Enrollment) -> None:
    await tx.db[ENROLLMENTS].insert_one(enrollment.doc(), session=tx.session)


async def load_enrollment(db: AsyncDatabase, principal: Principal, enrollment_id: str, access: Access) -> Enrollment:
    return Enrollment.model_validate(await find_authorized(db[ENROLLMENTS], enrollment_id, principal, access,
                                                           "enrollment", "enrollment.not_found"))


async def complete(tx: Tx, enrollment: Enrollment, certificate: str | None, day: str) -> Enrollment | None:
    """Completed, from enrolled only, with its `training.completed`; None if it was completed already."""
    changes = {"status": "completed", "certificate": certificate, "completed_on": day,
               "version": enrollment.version + 1}
    doc = await tx.db[ENROLLMENTS].find_one_and_update({"_id": enrollment.id, "status": "enrolled"},
                                                       {"$set": changes}, session=tx.session,
                                                       return_document=ReturnDocument.AFTER)
    if doc is None:
        return None
    done = Enrollment.model_validate(doc)
    tx.emit(TrainingCompleted(enrollment_id=done.id, training_id=done.training_id, resident_id=done.resident_id,
                              community_code=done.community_code, cohort=done.cohort, certificate=certificate),
            subject=done.id, community=done.community_code, aggregate_version=done.version)
    return done


async def enrolled_in(db: AsyncDatabase, org: str, window: dict[str, str]) -> list[dict[str, Any]]:
    """Cohort, status and resident of every enrollment under `org` made in `window` (figures, not records)."""
    return await db[ENROLLMENTS].find({"community_code": prefix_regex(org), "enrolled_on": window},
                                      {"cohort": 1, "status": 1, "resident_id": 1, "community_code": 1}).to_list()
