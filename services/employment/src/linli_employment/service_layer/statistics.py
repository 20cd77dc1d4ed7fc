"""Employment figures a community reports: seekers, referrals and placements (4050 apart), trainees by cohort."""
from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from linli_shared.auth import Access, Principal
from linli_shared.domain.suppression import sees_exact_figures
from linli_shared.errors import invalid

from linli_employment.domain.small_cells import (
    DISTRICT_DIGITS,
    Records,
    as_seen_by_officer,
    hidden_at,
    hidden_in_district,
    is_4050,
)
from linli_employment.service_layer.context import Employment
from linli_employment.storage import placements as placement_store
from linli_employment.storage import referrals as referral_store
from linli_employment.storage import seekers as seeker_store
from linli_employment.storage import trainings as training_store


async def employment_statistics(ctx: Employment, principal: Principal, org: str, since: date, until: date) -> dict:
    """Seeds' figures come straight out: "positions offered to 4050 people: 39, of whom 7 employed"."""
    principal.authorize(org, Access.AGGREGATE)
    if since > until:
        raise invalid("statistics.range.inverted", f"from {since} is after to {until}", ["query", "from"])
    exact = sees_exact_figures(principal)
    # An officer's figures are their part of the district's one protected table: the same four reads, wider.
    records = await _records(ctx, org if exact else org[:DISTRICT_DIGITS], since, until)
    seekers, referrals, placements, enrollments = ([d for d in docs if d["community_code"].startswith(org)]
                                                   for docs in records)
    stats = {
        "org_code": org, "from": since, "to": until,
        "seekers": len(seekers), "seekers_4050": _count_4050(seekers),
        "referrals": len(referrals), "referrals_4050": _count_4050(referrals),
        "placements": len(placements), "placed_4050": _count_4050(placements),
        "trainees_by_cohort": dict(Counter(e["cohort"] for e in enrollments)),
        "trainings_completed": sum(1 for e in enrollments if e["status"] == "completed"),
    }
    if exact:
        return {**stats, "suppressed": [], "suppressed_below": None}
    hidden = hidden_at(hidden_in_district(records, ctx.suppress_below), org)
    return as_seen_by_officer(stats, hidden, ctx.suppress_below)


async def _records(ctx: Employment, org: str, since: date, until: date) -> Records:
    """Seekers on the list, and the referrals, placements and enrollments of the window, under `org`."""
    window = {"$gte": since.isoformat(), "$lte": until.isoformat()}
    person = {"priority_groups": 1, "resident_id": 1, "community_code": 1}  # the residents behind a figure
    return (await seeker_store.people_on_list(ctx.db, org, person),
            await referral_store.referred_in(ctx.db, org, window, person),
            await placement_store.started_in(ctx.db, org, window, person),
            await training_store.enrolled_in(ctx.db, org, window))


def _count_4050(docs: list[dict[str, Any]]) -> int:
    return sum(1 for d in docs if is_4050(d))
