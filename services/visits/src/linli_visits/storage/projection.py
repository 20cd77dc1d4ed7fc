"""The residents visits may have to visit, kept from the registry's events (no registry call, ever)."""
from __future__ import annotations

from datetime import date
from typing import Any

from pymongo import ReturnDocument

from linli_shared.domain.groups import (
    GroupRules,
    counts_on,
    group_members,
    household_facts_from,
    person_facts_from,
    resident_groups,
)
from linli_shared.mongo import upsert_many_if_newer
from linli_shared.outbox import Tx
from linli_shared.store_shapes import find_per_value

from linli_visits.storage.indexes import HOUSEHOLDS, RESIDENTS
from linli_visits.storage.stored import at

HOUSEHOLD_CADENCE_GROUPS = ("empty_nest_households", "low_income_households")
Resident = dict[str, Any]  # the registry's resident as it publishes it, plus known_since and the last routine visit
Versioned = list[tuple[str, int, dict[str, Any]]]  # (id, aggregate version, fields) from a run of events


async def resident(where: Tx | Any, resident_id: str) -> Resident | None:
    db, session = at(where)
    return await db[RESIDENTS].find_one({"_id": resident_id}, session=session)


async def community_of(db: Any, resident_id: str) -> str | None:
    found = await db[RESIDENTS].find_one({"_id": resident_id}, {"community_code": 1})
    return None if found is None else found["community_code"]


async def communities(db: Any) -> list[str]:
    return await db[RESIDENTS].distinct("community_code")


async def residents_in(db: Any, community: str, active_only: bool = False) -> list[Resident]:
    return await db[RESIDENTS].find({"community_code": community, **({"status": "active"} if active_only else {})}
                                    ).to_list()


async def households_in(db: Any, community: str) -> list[dict[str, Any]]:
    return await db[HOUSEHOLDS].find({"community_code": community}).to_list()


async def apply_residents(tx: Tx, states: Versioned, known_since: str) -> list[Resident]:
    """The registry's newest states (see upsert_many_if_newer); the residents that changed, as they now stand."""
    return await upsert_many_if_newer(tx.db[RESIDENTS], states, tx.session, on_insert={"known_since": known_since})


async def apply_households(tx: Tx, states: Versioned) -> None:
    await upsert_many_if_newer(tx.db[HOUSEHOLDS], states, tx.session)


async def visited_routinely(tx: Tx, resident_id: str, visited_on: str, visit_id: str) -> Resident:
    """The resident's last routine visit, from which the next one is planned; the resident as it now stands."""
    return await tx.db[RESIDENTS].find_one_and_update(
        {"_id": resident_id}, {"$set": {"last_routine_visit": visited_on, "last_routine_visit_id": visit_id}},
        session=tx.session, return_document=ReturnDocument.AFTER)


def representative(members: list[dict[str, Any]]) -> str | None:
    """Who a household-level visit is planned for: the head, else the oldest member."""
    if not members:
        return None
    heads = [m for m in members if m.get("relation_to_head") == "head"]
    return (heads or sorted(members, key=lambda m: str(m["birth_date"])))[0]["_id"]


Household = tuple[list[dict[str, Any]], dict[str, Any] | None]  # its members as we know them, and its record


async def households_of(tx: Tx, residents: list[dict[str, Any]]) -> dict[str, Household]:
    """Each resident's household (members read per community, records in one read); with none, a household of one."""
    db, session = tx.db, tx.session
    households: dict[str, set[str]] = {}  # by community
    for r in residents:
        if r.get("household_id"):
            households.setdefault(r["community_code"], set()).add(r["household_id"])
    members: dict[str, list[dict[str, Any]]] = {}
    ids = sorted(set().union(*households.values()))
    # A run is almost always one community, so this is one read.
    for member in await find_per_value(db[RESIDENTS], "community_code", sorted(households),
                                       {"household_id": {"$in": ids}}, session=session):
        members.setdefault(member["household_id"], []).append(member)
    found = await db[HOUSEHOLDS].find({"_id": {"$in": ids}}, session=session).to_list() if ids else []
    records = {h["_id"]: h for h in found}
    return {r["_id"]: (members.get(r["household_id"], [r]), records.get(r["household_id"]))
            if r.get("household_id") else ([r], None) for r in residents}


def groups_in(resident: dict[str, Any], household: Household, today: date, rules: GroupRules) -> list[str]:
    """A resident's derived groups today, plus the household groups when they represent the household."""
    members, record = household
    person = person_facts_from(resident)
    facts = [person_facts_from(m) for m in members]
    groups = resident_groups(person, facts, household_facts_from(record) if record else None, today, rules)
    active = [m for m in members if counts_on(person_facts_from(m), today)]
    if record and representative(active) == resident["_id"]:
        by_group = group_members(facts, [household_facts_from(record)], today, rules)
        groups += [g for g in HOUSEHOLD_CADENCE_GROUPS if record["_id"] in by_group[g]]
    return groups


def community_groups(residents: list[dict], households: list[dict], today: date,
                     rules: GroupRules) -> dict[str, list[str]]:
    """Every resident's groups in one pass over a community (the sweep's view)."""
    facts = [person_facts_from(r) for r in residents]
    members = group_members(facts, [household_facts_from(h) for h in households], today, rules)
    by_household: dict[str, list[dict]] = {}
    for resident, fact in zip(residents, facts, strict=True):
        if resident.get("household_id") and counts_on(fact, today):
            by_household.setdefault(resident["household_id"], []).append(resident)
    reps = {representative(ms): hid for hid, ms in by_household.items()}
    result: dict[str, list[str]] = {}
    for resident in residents:
        groups = [g for g, ids in members.items() if resident["_id"] in ids]
        household_id = reps.get(resident["_id"])
        groups += [g for g in HOUSEHOLD_CADENCE_GROUPS if household_id and household_id in members[g]]
        result[resident["_id"]] = groups
    return result
