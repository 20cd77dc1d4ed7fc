"""Seekers follow the residents they are: one per resident, kept in step with the registry's facts."""
from __future__ import annotations

from datetime import date
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from linli_shared.auth import Access, Principal
from linli_shared.domain.groups import GroupRules
from linli_shared.mongo import find_authorized, update_versioned
from linli_shared.orgs import prefix_regex
from linli_shared.outbox import Tx
from linli_shared.pagination import page_by_id

from linli_employment.domain.seekers import HouseholdMember, SeekerFacts, is_job_seeker, priority_groups
from linli_employment.events import SeekerRegistered, SeekerUpdated
from linli_employment.storage.documents import Stored
from linli_employment.storage.indexes import SEEKERS
from linli_employment.storage.residents import Resident, household_of

ON_LIST = ("intent_pending", "active")  # the active list a worker works from


class Seeker(Stored):
    resident_id: str
    name: str
    community_code: str
    gender: str
    birth_date: str  # ISO, copied from the resident
    status: str
    priority_groups: list[str]
    intentions: dict[str, Any] = {}  # {} until registered (intent_pending); then Intentions as JSON
    certificate: dict[str, Any] = {"status": "none"}
    version: int


def facts(resident: Resident) -> SeekerFacts:
    return SeekerFacts(resident_id=resident.id, gender=resident.gender, birth_date=resident.birth_date,
                       employment_status=resident.employment_status, disabled=bool(resident.disability),
                       status=resident.status)


def member(resident: Resident) -> HouseholdMember:
    return HouseholdMember(resident_id=resident.id, gender=resident.gender, birth_date=resident.birth_date,
                           employment_status=resident.employment_status, status=resident.status)


def emit(tx: Tx, seeker: Seeker, event: type[SeekerRegistered] | type[SeekerUpdated]) -> None:
    fields: dict[str, Any] = {"seeker_id": seeker.id, "resident_id": seeker.resident_id,
                              "community_code": seeker.community_code, "status": seeker.status,
                              "priority_groups": seeker.priority_groups}
    if event is SeekerUpdated:
        fields["categories"] = seeker.intentions.get("categories", [])
    tx.emit(event(**fields), subject=seeker.id, community=seeker.community_code, aggregate_version=seeker.version)


async def find(db: AsyncDatabase, seeker_id: str) -> Seeker | None:
    doc = await db[SEEKERS].find_one({"_id": seeker_id})
    return None if doc is None else Seeker.model_validate(doc)


async def load(db: AsyncDatabase, principal: Principal, seeker_id: str, access: Access) -> Seeker:
    return Seeker.model_validate(await find_authorized(db[SEEKERS], seeker_id, principal, access, "job seeker",
                                                       "seeker.not_found"))


async def page(db: AsyncDatabase, community: str, status: str | None, priority_group: str | None, limit: int,
               cursor: str | None, resident_id: str | None = None) -> tuple[list[Seeker], str | None]:
    query = {"community_code": community, **({"status": status} if status else {}),
             **({"priority_groups": priority_group} if priority_group else {}),
             **({"resident_id": resident_id} if resident_id else {})}
    docs, next_cursor = await page_by_id(db[SEEKERS], query, limit, cursor)
    return [Seeker.model_validate(d) for d in docs], next_cursor


async def save(tx: Tx, seeker: Seeker, changes: dict[str, Any], expected_version: int) -> Seeker:
    """`changes` only if the seeker is still at `expected_version` (412 otherwise), with its `seeker.updated`."""
    update = {"$set": changes} if changes else {}  # nothing to change still bumps the version, as a save did
    updated = Seeker.model_validate(await update_versioned(tx.db[SEEKERS], seeker.id, expected_version, update,
                                                           tx.session, "seeker.not_found", what="job seeker"))
    emit(tx, updated, SeekerUpdated)
    return updated


async def place(tx: Tx, seeker_id: str) -> Seeker:
    """Hired: off the active list, with its `seeker.updated`."""
    doc = await tx.db[SEEKERS].find_one_and_update({"_id": seeker_id},
                                                   {"$set": {"status": "placed"}, "$inc": {"version": 1}},
                                                   session=tx.session, return_document=ReturnDocument.AFTER)
    seeker = Seeker.model_validate(doc)
    emit(tx, seeker, SeekerUpdated)
    return seeker


async def people_on_list(db: AsyncDatabase, org: str, person: dict[str, int]) -> list[dict[str, Any]]:
    """The `person` fields of every seeker on the list under `org` (statistics count residents, not records)."""
    return await db[SEEKERS].find({"community_code": prefix_regex(org), "status": {"$in": list(ON_LIST)}},
                                  person).to_list()


async def reconcile_households(tx: Tx, residents: list[Resident], today: date, rules: GroupRules) -> None:
    """Every member's seeker record follows their household (零就业家庭 depends on all of them): one household per
    resident given, every member's seeker read in one query and the new ones written in one."""
    households = [await household_of(tx, resident) for resident in residents]
    seekers = {s["_id"]: Seeker.model_validate(s) for s in await tx.db[SEEKERS].find(
        {"_id": {"$in": [m.id for members in households for m in members]}}, session=tx.session).to_list()}
    created: list[Seeker] = []
    for members in households:
        household = [member(m) for m in members]
        for person in members:
            groups = priority_groups(facts(person), household, today, rules)
            if not person.household_id:  # no household on record: 零就业家庭 cannot be known
                groups = [g for g in groups if g != "zero_employment_family"]
            created += await reconcile(tx, person, seekers.get(person.id), groups)
    if created:
        await tx.db[SEEKERS].insert_many([seeker.doc() for seeker in created], session=tx.session)
    for seeker in created:
        emit(tx, seeker, SeekerRegistered)


async def reconcile(tx: Tx, resident: Resident, seeker: Seeker | None, groups: list[str]) -> list[Seeker]:
    """Bring the resident's seeker in line; a seeker to create comes back (the caller writes them together)."""
    wanted = is_job_seeker(facts(resident))
    if seeker is None:
        return [_new(resident, groups)] if wanted else []
    status = seeker.status
    if wanted and status == "inactive":
        status = "intent_pending"  # out of work again: back on the list
    elif not wanted and status in ON_LIST:
        status = "inactive"  # found work, moved out or died: off the active list
    changes = {"status": status, "priority_groups": groups, **_person(resident)}
    if all(getattr(seeker, k) == v for k, v in changes.items()):
        return []
    seeker = seeker.model_copy(update={**changes, "version": seeker.version + 1})
    await tx.db[SEEKERS].update_one({"_id": seeker.id}, {"$set": {**changes, "version": seeker.version}},
                                    session=tx.session)
    emit(tx, seeker, SeekerUpdated)
    return []


def _new(resident: Resident, groups: list[str]) -> Seeker:
    return Seeker(id=resident.id, resident_id=resident.id, **_person(resident), status="intent_pending",
                  priority_groups=groups, intentions={}, certificate={"status": "none"}, version=1)


def _person(resident: Resident) -> dict[str, Any]:
    """What matching needs of the person, copied so a ranking reads one collection."""
    return {"name": resident.name, "community_code": resident.community_code, "gender": resident.gender,
            "birth_date": resident.birth_date.isoformat()}
