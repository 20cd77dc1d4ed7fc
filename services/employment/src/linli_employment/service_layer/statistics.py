"""Employment figures a community reports: seekers, referrals and placements (4050 apart), trainees by cohort."""
from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from linli_shared.auth import Access, Principal
from linli_shared.domain.suppression import sees_exact_figures
from linli_shared.errors import invalid
from linli_shared.orgs import prefix_regex

from linli_employment.domain.small_cells import as_seen_by_officer, cells_of, is_4050
from linli_employment.service_layer.context import Employment
from linli_employment.storage.indexes import ENROLLMENTS, PLACEMENTS, REFERRALS, SEEKERS
from linli_employment.storage.seekers import ON_LIST


async def employment_statistics(ctx: Employment, principal: Principal, org: str, since: date, until: date) -> dict:
    """Seeds' figures come straight out: "positions offered to 4050 people: 39, of whom 7 employed"."""
    principal.authorize(org, Access.AGGREGATE)
    if since > until:
        raise invalid("statistics.range.inverted", f"from {since} is after to {until}", ["query", "from"])
    scope = {"community_code": prefix_regex(org)}
    window = {"$gte": since.isoformat(), "$lte": until.isoformat()}
    seekers = await ctx.db[SEEKERS].find({**scope, "status": {"$in": list(ON_LIST)}}, {"priority_groups": 1}).to_list()
    person = {"priority_groups": 1, "resident_id": 1}  # the residents behind a figure, for officers' small cells
    referrals = await ctx.db[REFERRALS].find({**scope, "referred_on": window}, person).to_list()
    placements = await ctx.db[PLACEMENTS].find({**scope, "start_date": window}, person).to_list()
    enrollments = await ctx.db[ENROLLMENTS].find({**scope, "enrolled_on": window},
                                                 {"cohort": 1, "status": 1, "resident_id": 1}).to_list()
    stats = {
        "org_code": org, "from": since, "to": until,
        "seekers": len(seekers), "seekers_4050": _count_4050(seekers),
        "referrals": len(referrals), "referrals_4050": _count_4050(referrals),
        "placements": len(placements), "placed_4050": _count_4050(placements),
        "trainees_by_cohort": dict(Counter(e["cohort"] for e in enrollments)),
        "trainings_completed": sum(1 for e in enrollments if e["status"] == "completed"),
    }
    if sees_exact_figures(principal):
        return {**stats, "suppressed": [], "suppressed_below": None}
    cells, sums = cells_of(seekers, referrals, placements, enrollments)
    return as_seen_by_officer(stats, cells, sums, ctx.suppress_below)


def _count_4050(docs: list[dict[str, Any]]) -> int:
    return sum(1 for d in docs if is_4050(d))
