"""Read side: resident listing with the derived-group filter, and statistics for any org and as-of date."""
from __future__ import annotations

from datetime import date
from typing import Any

from linli_shared.auth import Access, Principal
from linli_shared.domain.groups import GROUPS, group_counts
from linli_shared.domain.suppression import sees_exact_figures
from linli_shared.errors import invalid, not_found
from linli_shared.logging import get_logger
from linli_shared.pagination import page_by_id, page_of_known_ids

from linli_registry.domain.small_cells import DISTRICT_DIGITS, as_seen, hidden_in_district
from linli_registry.service_layer import search
from linli_registry.service_layer.context import RegistryContext, known_community, org_code_or_422
from linli_registry.service_layer.resident_filters import ResidentFilter, base_query, group_ids
from linli_registry.storage import life_events, orgs
from linli_registry.storage import residents as resident_store
from linli_registry.storage.residents import LifeEvent, Resident

log = get_logger()


async def list_residents(ctx: RegistryContext, principal: Principal, community: str, f: ResidentFilter, q: str | None,
                         limit: int, cursor: str | None) -> tuple[list[Resident], str | None]:
    principal.authorize(community, Access.READ)
    await known_community(ctx, community)  # a listing or search reads the org once per process
    if q and q.strip():  # ranked by relevance, so paged by offset rather than by _id
        return await search.search_residents(ctx, principal, community, q, f, limit, cursor)
    query, ids = await base_query(ctx, community, f), await group_ids(ctx, community, f)
    residents = resident_store.collection(ctx.db)
    if ids is None:
        docs, next_cursor = await page_by_id(residents, query, limit, cursor)
    else:
        docs, next_cursor = await page_of_known_ids(residents, ids, query, limit, cursor)
    return [Resident.model_validate(d) for d in docs], next_cursor


async def life_events_of(ctx: RegistryContext, principal: Principal, resident_id: str, limit: int,
                         cursor: str | None) -> tuple[list[LifeEvent], str | None]:
    """A resident's life events, newest first, to whoever may read the resident (404 or 403 as that read)."""
    await resident_store.find_authorized_resident(ctx.db, principal, resident_id, Access.READ)
    return await life_events.page_of_resident(ctx.db, resident_id, limit, cursor)


async def statistics(ctx: RegistryContext, principal: Principal, code: str, as_of: date | None) -> dict[str, Any]:
    org = org_code_or_422(code)
    if org.level == "grid":
        raise invalid("statistics.level_unsupported", "statistics are per community, street or district",
                      ["path", "code"])
    principal.authorize(code, Access.AGGREGATE)
    as_of = as_of or ctx.today()
    root = await orgs.get(ctx.db, code)
    if root is None:
        raise not_found("org.not_found", f"org {code} is not registered")
    exact = sees_exact_figures(principal)
    # An officer's page is its part of the district's one protected table: the district's communities
    # come through the same queries (a wider prefix) and the same cache, and only the view is protected.
    per_community = await _community_counts(ctx, code if exact else code[:DISTRICT_DIGITS], as_of)
    children = await orgs.breakdown_of(ctx.db, code)
    node = _node(root, as_of, per_community, [_node(c, as_of, per_community, []) for c in children])
    return node if exact else _as_seen_by_officer(node, hidden_in_district(per_community, ctx.suppress_below),
                                                  ctx.suppress_below)


def _as_seen_by_officer(node: dict[str, Any], hidden: dict[str, frozenset[str]], below: int) -> dict[str, Any]:
    statistics, suppressed = as_seen(node["statistics"], node["org_code"], hidden)
    return {**node, "statistics": statistics, "suppressed": suppressed, "suppressed_below": below,
            "breakdown": [_as_seen_by_officer(child, hidden, below) for child in node["breakdown"]]}


async def _community_counts(ctx: RegistryContext, prefix: str, as_of: date) -> dict[str, dict[str, int]]:
    """Each community computed on its own (index-served equality) and cached."""
    codes = await orgs.community_codes(ctx.db, prefix)
    return await ctx.statistics.counts(ctx.db, codes, as_of, lambda code: _compute_counts(ctx, code, as_of))


async def community_counts(ctx: RegistryContext, community: str, as_of: date) -> dict[str, int]:
    """One community's statistics, through the same cache as the statistics page."""
    counts = await ctx.statistics.counts(ctx.db, [community], as_of, lambda code: _compute_counts(ctx, code, as_of))
    return counts[community]


async def warm_statistics(ctx: RegistryContext) -> int:
    """Count today's table for every community whose data changed since it was last counted, one at a time.

    Otherwise the first district page of a day counts every community while an officer waits (300,000
    residents on SecantusDB: about 30 s). Returns how many communities were counted.
    """
    today, counted = ctx.today(), []
    codes = await orgs.community_codes(ctx.db)

    async def count(code: str) -> dict[str, int]:
        counted.append(code)
        return await _compute_counts(ctx, code, today)

    await ctx.statistics.counts(ctx.db, codes, today, count, parallel=1)  # gently: it is nobody's request
    log.info("registry.statistics_warmed", as_of=today.isoformat(), communities=len(codes), counted=len(counted))
    return len(counted)


async def _compute_counts(ctx: RegistryContext, community: str, as_of: date) -> dict[str, int]:
    facts = await ctx.facts.of(ctx.db, community)
    return group_counts(facts.persons.values(), facts.households.values(), as_of, ctx.rules)


def _node(org: orgs.Org, as_of: date, per_community: dict[str, dict[str, int]], breakdown: list) -> dict:
    """A node's figure is exactly the sum of its communities' figures."""
    totals = dict.fromkeys(GROUPS, 0)
    for community, counts in per_community.items():
        if community.startswith(org.code):
            for key, value in counts.items():
                totals[key] += value
    return {"org_code": org.code, "level": org.level, "name": org.name, "as_of": as_of,
            "statistics": totals, "breakdown": breakdown}
