"""Employers (用人单位): businesses and households that post jobs."""
from __future__ import annotations

from datetime import datetime

from pymongo.asynchronous.database import AsyncDatabase

from linli_shared.outbox import Tx

from linli_employment.domain.jobs import EmployerFields
from linli_employment.storage.documents import Stored
from linli_employment.storage.indexes import EMPLOYERS


class Employer(Stored, EmployerFields):
    address: str | None = None
    created_by: str | None = None
    created_at: datetime | None = None


async def insert(tx: Tx, employer: Employer) -> None:
    await tx.db[EMPLOYERS].insert_one(employer.doc(), session=tx.session)


async def find(db: AsyncDatabase, employer_id: str) -> Employer | None:
    doc = await db[EMPLOYERS].find_one({"_id": employer_id})
    return None if doc is None else Employer.model_validate(doc)
