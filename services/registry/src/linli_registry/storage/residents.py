"""Residents (居民), their ID registrations and life events: the one module that spells these collections.

Use cases get and give `Resident` models; the stored field names are the documents' own (no migration).
Reads that select a few fields (ranking, housemates' facts) return those fields as they are stored.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from linli_shared.auth import Access, Principal
from linli_shared.errors import conflict
from linli_shared.mongo import find_authorized, update_versioned
from linli_shared.outbox import Tx
from linli_shared.store_shapes import find_in, find_in_then_keep, find_per_value

from linli_registry.storage.indexes import ID_REGISTRATIONS, LIFE_EVENTS, RESIDENTS


class Stored(BaseModel):
    """A stored document: `_id` is `id`, and a field this model does not name is kept as it is."""

    model_config = ConfigDict(populate_by_name=True, extra="allow")

    id: str = Field(alias="_id")

    def stored(self) -> dict[str, Any]:
        """The document as stored: only the fields it holds (a field never written stays absent)."""
        return self.model_dump(by_alias=True, exclude_unset=True)


class Resident(Stored):
    community_code: str
    household_id: str | None = None
    name: str
    name_pinyin: str = ""
    name_initials: str = ""
    id_type: str
    id_number_enc: str | None = None
    id_number_hash: str
    id_number_masked: str | None = None
    id_tail: str | None = None
    birth_date: str  # ISO, as stored
    gender: str
    ethnicity: str | None = None
    phone: str | None = None
    relation_to_head: str | None = None
    residence_type: str | None = None
    employment_status: str | None = None
    health: str | None = None
    disability: dict[str, Any] | None = None
    party_member: bool | None = None
    volunteer: dict[str, Any] | None = None
    retired_cadre: dict[str, Any] | None = None
    special_care: list[str] | None = None
    birthday_calendar: str | None = None
    sms_consent: bool | None = None
    memberships: list[dict[str, Any]] | None = None  # dated certificates (domain/memberships.py)
    status: str = "active"
    left_on: str | None = None
    version: int
    created_at: datetime | None = None
    updated_at: datetime | None = None
    created_by: str | None = None


class LifeEvent(Stored):
    resident_id: str
    community_code: str
    kind: str
    date: str  # ISO, as stored
    note: str | None = None
    recorded_by: str
    recorded_at: datetime


def _resident(doc: dict[str, Any] | None) -> Resident | None:
    return None if doc is None else Resident.model_validate(doc)


async def find_authorized_resident(db: Any, principal: Principal, resident_id: str, access: Access) -> Resident:
    """404 `resident.not_found` if missing, 403 unless the principal may `access` its community."""
    return Resident.model_validate(await find_authorized(db[RESIDENTS], resident_id, principal, access, "resident",
                                                         "resident.not_found"))


async def get(tx: Tx, resident_id: str) -> Resident | None:
    return _resident(await tx.db[RESIDENTS].find_one({"_id": resident_id}, session=tx.session))


def insert(tx: Tx, resident: Resident) -> None:
    """Written when the transaction commits, with its events (the caller holds the resident meanwhile)."""
    tx.insert_at_commit(RESIDENTS, resident.stored())


async def replace(tx: Tx, resident: Resident) -> None:
    await tx.db[RESIDENTS].replace_one({"_id": resident.id}, resident.stored(), session=tx.session)


async def update(tx: Tx, resident_id: str, expected_version: int, changes: dict[str, Any]) -> Resident:
    """Set `changes` only on the version the caller read (412 otherwise); the version moves on by one."""
    return Resident.model_validate(await update_versioned(tx.db[RESIDENTS], resident_id, expected_version,
                                                          {"$set": changes}, tx.session, "resident.not_found",
                                                          what="resident"))


def claim_identity(tx: Tx, id_hash: str, resident_id: str) -> None:
    """One active registration per person: the keyed hash of the ID number is the claim's `_id`. Written when the
    transaction commits; a number already claimed then fails it with 409 `resident.duplicate`."""
    tx.insert_at_commit(ID_REGISTRATIONS, {"_id": id_hash, "resident_id": resident_id}, on_duplicate=conflict(
        "resident.duplicate", "a resident with this ID number is already registered and active"))


async def release_identity(tx: Tx, id_hash: str) -> None:
    await tx.db[ID_REGISTRATIONS].delete_one({"_id": id_hash}, session=tx.session)


def add_life_event(tx: Tx, event: LifeEvent) -> None:
    tx.insert_at_commit(LIFE_EVENTS, event.stored())  # with the transaction's events


async def housemates(db: Any, communities: list[str], household_ids: list[str],
                     session: Any = None) -> list[dict[str, Any]]:
    """Every resident of these households, as stored (the group rules read them as facts)."""
    return await find_per_value(db[RESIDENTS], "community_code", communities, {"household_id": {"$in": household_ids}},
                                session=session)


async def of_community(db: Any, community: str, ids: list[str]) -> list[Resident]:
    """Whole residents of one community by id (any order), by the `_id` index alone (`find_in`)."""
    docs = await find_in(db[RESIDENTS], "_id", ids)
    return [Resident.model_validate(d) for d in docs if d["community_code"] == community]


def collection(db: Any) -> Any:
    """For the shared pagers (`page_by_id`, `page_of_known_ids`), which take the collection itself."""
    return db[RESIDENTS]


# A ledger import reads and writes a batch of households at once: one command per collection, not one per row.
async def claimants(tx: Tx, id_hashes: list[str]) -> dict[str, str]:
    """Each active registration among these ID-number hashes: resident id → hash."""
    return {r["resident_id"]: r["_id"]
            for r in await find_in(tx.db[ID_REGISTRATIONS], "_id", id_hashes, session=tx.session)}


async def by_ids(tx: Tx, resident_ids: list[str]) -> list[Resident]:
    return [Resident.model_validate(d) for d in await find_in(tx.db[RESIDENTS], "_id", resident_ids,
                                                              session=tx.session)]


async def left_community(tx: Tx, community: str, id_hashes: list[str]) -> list[Resident]:
    """Residents of `community` with these hashes who moved out or died, the latest record last."""
    docs = await find_in_then_keep(tx.db[RESIDENTS], "id_number_hash", id_hashes, {"community_code": 1, "status": 1},
                                   lambda d: d["community_code"] == community and d["status"] != "active",
                                   session=tx.session)
    left = [Resident.model_validate(d) for d in docs]
    return sorted(left, key=lambda r: r.updated_at.timestamp() if r.updated_at else 0)


async def claim_identities(tx: Tx, residents: list[Resident]) -> None:
    """`claim_identity` for many: a hash already claimed raises DuplicateKeyError (the caller decides)."""
    if residents:
        await tx.db[ID_REGISTRATIONS].insert_many([{"_id": r.id_number_hash, "resident_id": r.id} for r in residents],
                                                  session=tx.session)


async def insert_many(tx: Tx, residents: list[Resident]) -> None:
    if residents:
        await tx.db[RESIDENTS].insert_many([r.stored() for r in residents], session=tx.session)


def in_ledger_order(db: Any, query: dict[str, Any]) -> Any:
    """The residents matching `query` as stored, household by household: a cursor the ledger export streams."""
    return db[RESIDENTS].find(query).sort([("community_code", 1), ("household_id", 1)])
