"""The listing's filters, shared by the listing and the ledger export (e.g. all 80+ living alone in one grid)."""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from linli_shared.domain.groups import GROUPS, HOUSEHOLD_GROUPS, counts_on, group_members
from linli_shared.errors import invalid

from linli_registry.service_layer.context import RegistryContext
from linli_registry.storage import households as household_store
from linli_registry.storage.facts import CommunityFacts


@dataclass(frozen=True)
class ResidentFilter:
    groups: tuple[str, ...] = ()  # every one must hold (AND)
    status: str | None = None
    household_id: str | None = None
    grid: str | None = None
    as_of: date | None = None

    def describe(self) -> dict[str, str]:
        shown = {"group": "、".join(self.groups), "status": self.status, "household_id": self.household_id,
                 "grid": self.grid, "as_of": self.as_of.isoformat() if self.as_of else None}
        return {k: v for k, v in shown.items() if v}


@dataclass
class DerivedGroups:
    """Every counted resident's groups on the as-of date, from one pass over the community's facts."""

    by_resident: dict[str, list[str]] = field(default_factory=dict)
    members: dict[str, set[str]] = field(default_factory=dict)


def check_groups(groups: tuple[str, ...]) -> None:
    for group in groups:
        if group not in GROUPS:
            raise invalid("resident.group.unknown", f"unknown group {group!r}; one of {', '.join(GROUPS)}",
                          ["query", "group"])


async def derived_groups(ctx: RegistryContext, community: str, as_of: date) -> DerivedGroups:
    """Kept per data version: paging through a group's list computes the community once, not per page."""
    facts = await ctx.facts.of(ctx.db, community)
    key = (community, as_of, facts.version)
    if (known := ctx.derived_groups.get(key)) is None:
        # Off the event loop: a community's worth of rules would hold up the outbox relay and every request.
        known = await asyncio.to_thread(_derive_groups, ctx, facts, as_of)
        ctx.derived_groups.put(key, known)
    return known


async def warm_groups(ctx: RegistryContext, community: str) -> None:
    """After an import: the community's facts read once and today's groups derived, before anyone asks."""
    await derived_groups(ctx, community, ctx.today())


def _derive_groups(ctx: RegistryContext, facts: CommunityFacts, as_of: date) -> DerivedGroups:
    persons = list(facts.persons.values())
    members = group_members(persons, facts.households.values(), as_of, ctx.rules)
    counted = [p for p in persons if counts_on(p, as_of)]
    for group in HOUSEHOLD_GROUPS:  # a household group's residents: its counted members
        members[group] = {p.resident_id for p in counted if p.household_id in members[group]}
    by_resident: dict[str, list[str]] = {p.resident_id: [] for p in persons}
    for group in GROUPS:
        if group not in HOUSEHOLD_GROUPS:
            for resident_id in members[group]:
                by_resident[resident_id].append(group)
    return DerivedGroups(by_resident=by_resident, members=members)


async def query_for(ctx: RegistryContext, community: str, f: ResidentFilter,
                    known: DerivedGroups | None = None) -> dict[str, Any]:
    """The Mongo query for the filter; group filters are resolved to resident ids on `f.as_of`."""
    query = await base_query(ctx, community, f)
    ids = await group_ids(ctx, community, f, known)
    return query if ids is None else _all_of([query, {"_id": {"$in": sorted(ids)}}])


async def admission(ctx: RegistryContext, community: str,
                    f: ResidentFilter) -> Callable[[dict[str, Any]], bool]:
    """The filter as a test of a resident's stored `_id`, `status` and `household_id`, for residents in hand."""
    ids = await group_ids(ctx, community, f)
    grid = set(await household_store.ids_in_grid(ctx.db, community, f.grid)) if f.grid else None

    def admits(doc: dict[str, Any]) -> bool:
        household = doc.get("household_id")
        return ((not f.status or doc.get("status") == f.status)
                and (not f.household_id or household == f.household_id)
                and (grid is None or household in grid) and (ids is None or doc["_id"] in ids))
    return admits


async def base_query(ctx: RegistryContext, community: str, f: ResidentFilter) -> dict[str, Any]:
    """The filter's stored-field conditions, without the derived groups."""
    clauses: list[dict[str, Any]] = [{"community_code": community}]
    if f.status:
        clauses.append({"status": f.status})
    if f.household_id:
        clauses.append({"household_id": f.household_id})
    if f.grid:
        clauses.append({"household_id": {"$in": await household_store.ids_in_grid(ctx.db, community, f.grid)}})
    return _all_of(clauses)


async def group_ids(ctx: RegistryContext, community: str, f: ResidentFilter,
                    known: DerivedGroups | None = None) -> set[str] | None:
    """The residents in every one of the filter's groups on `f.as_of`; None without a group filter."""
    if not f.groups:
        return None
    check_groups(f.groups)
    known = known or await derived_groups(ctx, community, f.as_of or ctx.today())
    return set.intersection(*(known.members[g] for g in f.groups))


def _all_of(clauses: list[dict[str, Any]]) -> dict[str, Any]:
    """One flat query when no field repeats (stores plan those best), else `$and`."""
    fields = [key for clause in clauses for key in clause]
    if len(fields) == len(set(fields)):
        return {key: value for clause in clauses for key, value in clause.items()}
    return {"$and": clauses}
