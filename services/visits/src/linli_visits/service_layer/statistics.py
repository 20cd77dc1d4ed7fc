"""Visit statistics for a community, street or district: coverage per group, overdue, reasons, aid, workers."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from linli_shared.auth import Access, Principal
from linli_shared.domain.suppression import sees_exact_figures
from linli_shared.errors import invalid

from linli_visits.domain.policy import LIVING_ALONE_80
from linli_visits.domain.small_cells import as_seen_by_officer, people_behind
from linli_visits.service_layer.context import Visits
from linli_visits.storage import projection, statistics_versions, tasks, visits


def _in_group(group: str, groups: list[str]) -> bool:
    if group == LIVING_ALONE_80:
        return "living_alone_elderly" in groups and "elderly_80" in groups
    return group in groups


async def visit_statistics(ctx: Visits, principal: Principal, org: str, since: date, until: date) -> dict[str, Any]:
    principal.authorize(org, Access.AGGREGATE)
    if since > until:
        raise invalid("statistics.range.inverted", f"from {since} is after to {until}", ["query", "from"])
    communities = await _communities(ctx, org)
    versions = await statistics_versions.versions_of(ctx.db, communities)
    coverage: dict[str, Counter] = defaultdict(Counter)
    made: list[dict[str, Any]] = []
    overdue_tasks: list[dict[str, Any]] = []
    for community, version in zip(communities, versions, strict=True):
        figures = await _figures(ctx, community, version, since, until)
        for group, counts in figures.coverage.items():
            coverage[group].update(counts)
        made += figures.made
        overdue_tasks += figures.overdue_tasks
    overdue = len(overdue_tasks)
    stats = {
        "org_code": org, "from": since, "to": until,
        "coverage": {g: {"members": c["members"], "visited": c["visited"],
                         "share": round(c["visited"] / c["members"], 4) if c["members"] else None}
                     for g, c in sorted(coverage.items())},
        "overdue_tasks": overdue,
        "visits_by_reason": dict(Counter(v["reason"] for v in made)),
        "visits": len(made), "met": sum(1 for v in made if v["met"]),
        "aid_total_cny": round(sum(v["aid_total_cny"] for v in made), 2),
        "per_worker": dict(Counter(v["visitor"] for v in made)),
    }
    if sees_exact_figures(principal):
        return {**stats, "suppressed": [], "suppressed_below": None}
    return as_seen_by_officer(stats, people_behind(made, overdue_tasks), ctx.suppress_below)


async def _communities(ctx: Visits, org: str) -> list[str]:
    """The communities under `org`; a community itself without a read (one with no residents counts nothing)."""
    if len(org) == 12:  # an org code of 12 characters is a community's (a grid's adds -NN)
        return [org]
    return [c for c in await projection.communities(ctx.db) if c.startswith(org)]


@dataclass(frozen=True)
class Figures:
    """What one community adds to the statistics of a period: coverage, the visits made, its overdue tasks."""
    coverage: dict[str, Counter]
    made: list[dict[str, Any]]
    overdue_tasks: list[dict[str, Any]]


async def _figures(ctx: Visits, community: str, version: int, since: date, until: date) -> Figures:
    """A community's figures as of its data version: counted once per version (concurrent callers share the
    count), then kept in the process; a write bumps the version, so older figures are never served again."""
    key = (community, version, since, until)
    if (kept := ctx.statistics.get(key)) is not None:
        return kept

    async def count() -> Figures:
        figures = Figures(await _coverage(ctx, community, until),
                          await visits.figures_between(ctx.db, [community], since, until),
                          await tasks.overdue_in(ctx.db, [community]))
        ctx.statistics.put(key, figures)
        return figures

    return await ctx.counting_statistics.run(key, count)


async def _coverage(ctx: Visits, community: str, until: date) -> dict[str, Counter]:
    """Share of each cadence group seen (a met visit) within its cadence before `until`."""
    policy = await ctx.policy(community)
    residents = await projection.residents_in(ctx.db, community, active_only=True)
    households = await projection.households_in(ctx.db, community)
    groups = projection.community_groups(residents, households, until, ctx.rules)
    longest = max((c.every_days for c in policy.cadences), default=0)
    last_seen: dict[str, str] = {}
    for resident_id, visited_on in await visits.met_between(ctx.db, community, until - timedelta(days=longest), until):
        last_seen[resident_id] = max(last_seen.get(resident_id, ""), visited_on)
    result: dict[str, Counter] = defaultdict(Counter)
    for cadence in policy.cadences:
        window_start = (until - timedelta(days=cadence.every_days)).isoformat()
        for resident in residents:
            if _in_group(cadence.group, groups[resident["_id"]]):
                result[cadence.group]["members"] += 1
                result[cadence.group]["visited"] += last_seen.get(resident["_id"], "") > window_start
    return result


