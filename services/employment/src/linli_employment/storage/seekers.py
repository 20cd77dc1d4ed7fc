"""Seekers follow the residents they are: one per resident, kept in step with the registry's facts."""
from __future__ import annotations

from datetime import date
from typing import Any

from linli_shared.domain.groups import GroupRules
from linli_shared.outbox import Tx

from linli_employment.domain.seekers import HouseholdMember, SeekerFacts, is_job_seeker, priority_groups
from linli_employment.events import SeekerRegistered, SeekerUpdated
from linli_employment.storage.indexes import RESIDENTS, SEEKERS

ON_LIST = ("intent_pending", "active")  # the active list a worker works from


def facts(resident: dict[str, Any]) -> SeekerFacts:
    return SeekerFacts(resident_id=resident["_id"], gender=resident["gender"],
                       birth_date=date.fromisoformat(resident["birth_date"]),
                       employment_status=resident.get("employment_status"), disabled=bool(resident.get("disability")),
                       status=resident.get("status", "active"))


def member(resident: dict[str, Any]) -> HouseholdMember:
    return HouseholdMember(resident_id=resident["_id"], gender=resident["gender"],
                           birth_date=date.fromisoformat(resident["birth_date"]),
                           employment_status=resident.get("employment_status"), status=resident.get("status", "active"))


def emit(tx: Tx, seeker: dict[str, Any], event: type) -> None:
    fields = {"seeker_id": seeker["_id"], "resident_id": seeker["resident_id"],
              "community_code": seeker["community_code"], "status": seeker["status"],
              "priority_groups": seeker["priority_groups"]}
    if event is SeekerUpdated:
        fields["categories"] = seeker.get("intentions", {}).get("categories", [])
    tx.emit(event(**fields), subject=seeker["_id"], community=seeker["community_code"],
            aggregate_version=seeker["version"])


async def household_residents(tx: Tx, resident: dict[str, Any]) -> list[dict[str, Any]]:
    if not resident.get("household_id"):
        return [resident]
    return await tx.db[RESIDENTS].find({"community_code": resident["community_code"],
                                        "household_id": resident["household_id"]}, session=tx.session).to_list()


async def reconcile_household(tx: Tx, resident: dict[str, Any], today: date, rules: GroupRules) -> None:
    """Every member's seeker record follows the household: 零就业家庭 depends on all of them."""
    members = await household_residents(tx, resident)
    household = [member(m) for m in members]
    seekers = {s["_id"]: s for s in await tx.db[SEEKERS].find({"_id": {"$in": [m["_id"] for m in members]}},
                                                               session=tx.session).to_list()}
    for person in members:
        groups = priority_groups(facts(person), household, today, rules)
        if not person.get("household_id"):  # no household on record: 零就业家庭 cannot be known
            groups = [g for g in groups if g != "zero_employment_family"]
        await reconcile(tx, person, seekers.get(person["_id"]), groups)


async def reconcile(tx: Tx, resident: dict[str, Any], seeker: dict[str, Any] | None, groups: list[str]) -> None:
    wanted = is_job_seeker(facts(resident))
    if seeker is None:
        if wanted:
            await _create(tx, resident, groups)
        return
    status = seeker["status"]
    if wanted and status == "inactive":
        status = "intent_pending"  # out of work again: back on the list
    elif not wanted and status in ON_LIST:
        status = "inactive"  # found work, moved out or died: off the active list
    changes = {"status": status, "priority_groups": groups, **_person(resident)}
    if all(seeker.get(k) == v for k, v in changes.items()):
        return
    seeker = {**seeker, **changes, "version": seeker["version"] + 1}
    await tx.db[SEEKERS].replace_one({"_id": seeker["_id"]}, seeker, session=tx.session)
    emit(tx, seeker, SeekerUpdated)


async def _create(tx: Tx, resident: dict[str, Any], groups: list[str]) -> None:
    seeker = {"_id": resident["_id"], "resident_id": resident["_id"], **_person(resident), "status": "intent_pending",
              "priority_groups": groups, "intentions": {}, "certificate": {"status": "none"}, "version": 1}
    await tx.db[SEEKERS].insert_one(seeker, session=tx.session)
    emit(tx, seeker, SeekerRegistered)


def _person(resident: dict[str, Any]) -> dict[str, Any]:
    """What matching needs of the person, copied so a ranking reads one collection."""
    return {key: resident[key] for key in ("name", "community_code", "gender", "birth_date")}
