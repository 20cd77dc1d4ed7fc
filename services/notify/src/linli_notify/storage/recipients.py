"""Who notify can reach: staff contacts and residents' phones and consent, kept from the registry's events."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from linli_shared.mongo import upsert_if_newer, upsert_many_if_newer
from linli_shared.outbox import Tx

from linli_notify.storage.indexes import RESIDENTS, STAFF


class Contact(BaseModel):
    """Someone notify may reach, as kept from the registry's events."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore", frozen=True)

    id: str = Field(alias="_id")
    community_code: str | None = None
    name: str | None = None


class StaffContact(Contact):
    role: str | None = None
    phone: str | None = None
    email: str | None = None
    wecom_userid: str | None = None
    active: bool = True


class ResidentContact(Contact):
    phone: str | None = None
    sms_consent: bool | None = None
    status: str | None = None


async def staff(tx: Tx, staff_id: str) -> StaffContact | None:
    doc = await tx.db[STAFF].find_one({"_id": staff_id}, session=tx.session)
    return None if doc is None else StaffContact.model_validate(doc)


async def staff_by_id(tx: Tx, staff_ids: set[str]) -> dict[str, StaffContact]:
    """The contacts of those of these staff members notify knows."""
    docs = await tx.db[STAFF].find({"_id": {"$in": sorted(staff_ids)}}, session=tx.session).to_list()
    return {doc["_id"]: StaffContact.model_validate(doc) for doc in docs}


async def active_admins(tx: Tx, community: str) -> list[StaffContact]:
    docs = await tx.db[STAFF].find({"community_code": community, "role": "admin", "active": True},
                                   session=tx.session).sort("_id", 1).to_list()
    return [StaffContact.model_validate(d) for d in docs]


async def resident(tx: Tx, resident_id: str) -> ResidentContact | None:
    doc = await tx.db[RESIDENTS].find_one({"_id": resident_id}, session=tx.session)
    return None if doc is None else ResidentContact.model_validate(doc)


async def resident_name(tx: Tx, resident_id: str | None) -> str:
    """A resident's name, or "" when we do not know them (yet)."""
    doc = await tx.db[RESIDENTS].find_one({"_id": resident_id}, {"name": 1}, session=tx.session)
    return (doc or {}).get("name", "")


async def community_of(db: Any, recipient_id: str) -> tuple[str, str] | None:
    """("staff" or "resident", their community), staff first; None if notify knows neither."""
    staff_doc = await db[STAFF].find_one({"_id": recipient_id}, {"community_code": 1})
    if staff_doc is not None:
        return "staff", staff_doc["community_code"]
    resident_doc = await db[RESIDENTS].find_one({"_id": recipient_id}, {"community_code": 1})
    if resident_doc is not None:
        return "resident", resident_doc["community_code"]
    return None


async def keep_staff(tx: Tx, staff_id: str, version: int, fields: dict[str, Any]) -> None:
    await upsert_if_newer(tx.db[STAFF], staff_id, version, fields, tx.session)


async def keep_residents(tx: Tx, states: list[tuple[str, int, dict[str, Any]]]) -> None:
    """A run of (resident id, aggregate version, contact): one read and one write, the newest version wins."""
    await upsert_many_if_newer(tx.db[RESIDENTS], states, tx.session)
