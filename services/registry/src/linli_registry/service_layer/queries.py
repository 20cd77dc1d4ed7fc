"""Read side: resident listing with the derived-group filter, and statistics for any org and as-of date."""
from __future__ import annotations

import asyncio
import re
from datetime import date
from typing import Any

from linli_shared.auth import Access, Principal
from linli_shared.domain.groups import (
    GROUPS,
    HOUSEHOLD_GROUPS,
    HouseholdFacts,
    PersonFacts,
    counts_on,
    group_counts,
    group_members,
    household_facts_from,
    person_facts_from,
)
from linli_shared.errors import invalid, not_found
from linli_shared.pagination import page_by_id

from linli_registry.service_layer.context import Registry, existing_community, org_code_or_422
from linli_registry.storage.indexes import HOUSEHOLDS, ORGS, RESIDENTS
from linli_registry.storage.statistics_cache import cached_counts

# Only what the group rules read: statistics over a district must not drag whole documents along.
FACT_FIELDS = {"household_id": 1, "gender": 1, "birth_date": 1, "employment_status": 1, "residence_type": 1,
               "status": 1, "left_on": 1, "disability": 1, "retired_cadre": 1, "special_care": 1,
               "volunteer": 1, "party_member": 1}


async def _facts(reg: Registry, community: str) -> tuple[list[PersonFacts], list[HouseholdFacts]]:
    persons = await reg.db[RESIDENTS].find({"community_code": community}, FACT_FIELDS).to_list()
    households = await reg.db[HOUSEHOLDS].find({"community_code": community}, {"low_income_periods": 1}).to_list()
    return [person_facts_from(p) for p in persons], [household_facts_from(h) for h in households]


def _search_filter(q: str) -> dict[str, Any]:
    """Name, pinyin initials or full pinyin, or the tail of the ID number or phone."""
    q = q.strip()
    if re.fullmatch(r"[0-9Xx]{4}", q):
        return {"$or": [{"id_tail": q.upper()}, {"phone": {"$regex": f"{q}$"}}]}
    if re.fullmatch(r"[A-Za-z]+", q):
        prefix = f"^{q.lower()}"
        return {"$or": [{"name_initials": {"$regex": prefix}}, {"name_pinyin": {"$regex": prefix}}]}
    return {"name": {"$regex": re.escape(q)}}


async def list_residents(reg: Registry, principal: Principal, community: str, *, group: str | None,
                         status: str | None, q: str | None, household_id: str | None, as_of: date | None,
                         limit: int, cursor: str | None) -> tuple[list[dict], str | None]:
    principal.authorize(community, Access.READ)
    await existing_community(reg.db, community)
    clauses: list[dict[str, Any]] = [{"community_code": community}]
    if status:
        clauses.append({"status": status})
    if household_id:
        clauses.append({"household_id": household_id})
    if q:
        clauses.append(_search_filter(q))
    if group:
        clauses.append({"_id": {"$in": await _group_resident_ids(reg, community, group, as_of or reg.today())}})
    query = clauses[0] if len(clauses) == 1 else {"$and": clauses}
    return await page_by_id(reg.db[RESIDENTS], query, limit, cursor)


async def _group_resident_ids(reg: Registry, community: str, group: str, as_of: date) -> list[str]:
    if group not in GROUPS:
        raise invalid("resident.group.unknown", f"unknown group {group!r}; one of {', '.join(GROUPS)}",
                      ["query", "group"])
    facts, households = await _facts(reg, community)
    members = group_members(facts, households, as_of, reg.rules)[group]
    if group in HOUSEHOLD_GROUPS:
        return sorted(p.resident_id for p in facts if p.household_id in members and counts_on(p, as_of))
    return sorted(members)


async def statistics(reg: Registry, principal: Principal, code: str, as_of: date | None) -> dict[str, Any]:
    org = org_code_or_422(code)
    if org.level == "grid":
        raise invalid("statistics.level_unsupported", "statistics are per community, street or district",
                      ["path", "code"])
    principal.authorize(code, Access.AGGREGATE)
    as_of = as_of or reg.today()
    root = await reg.db[ORGS].find_one({"_id": code})
    if root is None:
        raise not_found("org.not_found", f"org {code} is not registered")
    per_community = await _community_counts(reg, code, as_of)
    children = await reg.db[ORGS].find({"parent": code, "level": {"$ne": "grid"}}).sort("_id", 1).to_list()
    return _node(root, as_of, per_community, [_node(c, as_of, per_community, []) for c in children])


async def _community_counts(reg: Registry, prefix: str, as_of: date) -> dict[str, dict[str, int]]:
    """Each community computed on its own (index-served equality), cached, a few at a time."""
    codes = [o["_id"] for o in await reg.db[ORGS].find(
        {"_id": {"$regex": f"^{prefix}"}, "level": "community"}, {"_id": 1}).to_list()]
    gate = asyncio.Semaphore(4)

    async def one(code: str) -> dict[str, int]:
        async with gate:
            return await cached_counts(reg.db, code, as_of, lambda: _compute_counts(reg, code, as_of))

    return dict(zip(codes, await asyncio.gather(*(one(code) for code in codes)), strict=True))


async def _compute_counts(reg: Registry, community: str, as_of: date) -> dict[str, int]:
    return group_counts(*await _facts(reg, community), as_of, reg.rules)


def _node(org: dict[str, Any], as_of: date, per_community: dict[str, dict[str, int]], breakdown: list) -> dict:
    """A node's figure is exactly the sum of its communities' figures."""
    totals = dict.fromkeys(GROUPS, 0)
    for community, counts in per_community.items():
        if community.startswith(org["_id"]):
            for key, value in counts.items():
                totals[key] += value
    return {"org_code": org["_id"], "level": org["level"], "name": org["name"], "as_of": as_of,
            "statistics": totals, "breakdown": breakdown}
