"""The residents visits may have to visit, kept from the registry's events (no registry call, ever)."""
from __future__ import annotations

from datetime import date
from typing import Any

from linli_shared.domain.groups import (
    GroupRules,
    counts_on,
    group_members,
    household_facts_from,
    person_facts_from,
    resident_groups,
)

from linli_visits.storage.indexes import HOUSEHOLDS, RESIDENTS

HOUSEHOLD_CADENCE_GROUPS = ("empty_nest_households", "low_income_households")


def representative(members: list[dict[str, Any]]) -> str | None:
    """Who a household-level visit is planned for: the head, else the oldest member."""
    if not members:
        return None
    heads = [m for m in members if m.get("relation_to_head") == "head"]
    return (heads or sorted(members, key=lambda m: str(m["birth_date"])))[0]["_id"]


Household = tuple[list[dict[str, Any]], dict[str, Any] | None]  # its members as we know them, and its record


async def households_of(db: Any, residents: list[dict[str, Any]], session: Any = None) -> dict[str, Household]:
    """Each resident's household (members read per community, records in one read); with none, a household of one."""
    households: dict[str, set[str]] = {}  # by community
    for r in residents:
        if r.get("household_id"):
            households.setdefault(r["community_code"], set()).add(r["household_id"])
    members: dict[str, list[dict[str, Any]]] = {}
    # One read per community (a run is almost always one): an equal community_code lets the store walk
    # by_household for just these households, where `$in` on both made SecantusDB read the whole community.
    for community, ids in sorted(households.items()):
        for member in await db[RESIDENTS].find({"community_code": community, "household_id": {"$in": sorted(ids)}},
                                               session=session).to_list():
            members.setdefault(member["household_id"], []).append(member)
    ids = sorted(set().union(*households.values()))
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
