"""The registry's residents as employment keeps them (a projection), newest version wins."""
from __future__ import annotations

from datetime import date

from pymongo.asynchronous.database import AsyncDatabase

from linli_shared.mongo import upsert_many_if_newer
from linli_shared.outbox import Tx

from linli_employment.handlers.inbound import RESIDENT_FIELDS, ResidentState
from linli_employment.storage.documents import IsoDate, Stored
from linli_employment.storage.indexes import RESIDENTS


class Resident(Stored):
    community_code: str
    household_id: str | None = None
    name: str
    gender: str
    birth_date: IsoDate
    phone: str | None = None
    employment_status: str | None = None
    disability: dict[str, object] | None = None
    status: str = "active"
    left_on: date | None = None
    version: int = 0


async def apply(tx: Tx, states: list[tuple[ResidentState, int]]) -> list[Resident]:
    """Each (state, version) that is newer than what we hold, in one read and one write; the changed ones."""
    changed = await upsert_many_if_newer(tx.db[RESIDENTS], [
        (state.resident_id, version, state.model_dump(mode="json", include=RESIDENT_FIELDS))
        for state, version in states], tx.session)
    return [Resident.model_validate(doc) for doc in changed]


async def household_of(tx: Tx, resident: Resident) -> list[Resident]:
    if not resident.household_id:
        return [resident]
    docs = await tx.db[RESIDENTS].find({"community_code": resident.community_code,
                                        "household_id": resident.household_id}, session=tx.session).to_list()
    return [Resident.model_validate(doc) for doc in docs]


async def find_active(db: AsyncDatabase, resident_id: str) -> Resident | None:
    doc = await db[RESIDENTS].find_one({"_id": resident_id, "status": "active"})
    return None if doc is None else Resident.model_validate(doc)
