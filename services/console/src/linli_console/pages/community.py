"""The community at a glance: statistics for any as-of date, visit coverage against target, employment
figures and their charts; for a street or district, the same with one row per community (the roll-up)."""
from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from linli_console import charts, dates
from linli_console.backend import Backend, BackendDep
from linli_console.pages.orgs import GROUPS, home_org, org_picker
from linli_console.session import CurrentUser
from linli_console.strings import label, t
from linli_console.templating import render

router = APIRouter()
MONTHS_SHOWN = 6
EMPLOYMENT_FIGURES = ("seekers", "seekers_4050", "referrals", "referrals_4050", "placements", "placed_4050")


# The visits service counts a member as covered when seen within the group's cadence before the period's end,
# so the goal is every member, whatever the period's length, for a community and a roll-up alike.
COVERAGE_TARGET = 1.0


def month_starts(as_of: date, months: int) -> list[tuple[date, date]]:
    """The last `months` calendar months up to `as_of`, oldest first, each as (first day, last day or as_of)."""
    spans, first = [], as_of.replace(day=1)
    for _ in range(months):
        last = min(as_of, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1))
        spans.append((first, last))
        first = (first - timedelta(days=1)).replace(day=1)
    return spans[::-1]


def coverage_rows(coverage: dict) -> list[dict]:
    return [{"group": group, "members": c.get("members"), "visited": c.get("visited"), "share": c.get("share"),
             "target": COVERAGE_TARGET} for group, c in coverage.items()]


async def _monthly_visits(api: Backend, org: str, as_of: date) -> list[tuple[str, int]]:
    spans = month_starts(as_of, MONTHS_SHOWN)
    answers = await asyncio.gather(*(api.get("visits", f"/v1/orgs/{org}/visit-statistics",
                                             params={"from": a.isoformat(), "to": b.isoformat()}) for a, b in spans))
    return [(dates.month(a), r.body.get("visits") or 0) for (a, _), r in zip(spans, answers, strict=True)]


@router.get("/community")
async def community_page(request: Request, user: CurrentUser, api: BackendDep,
                         org: Annotated[str | None, Query()] = None,
                         as_of: Annotated[date | None, Query()] = None,
                         since: Annotated[date | None, Query(alias="from")] = None,
                         until: Annotated[date | None, Query(alias="to")] = None) -> Response:
    code = home_org(user, org)  # as the picker chooses it: the picker's tree is read beside the figures
    as_of = as_of or date.today()
    until = until or as_of
    since = since or until.replace(day=1)
    period = {"from": since.isoformat(), "to": until.isoformat()}
    stats, visits, jobs, picker = await asyncio.gather(
        api.get("registry", f"/v1/orgs/{code}/statistics", params={"as_of": as_of.isoformat()}),
        api.get("visits", f"/v1/orgs/{code}/visit-statistics", params=period),
        api.get("employment", f"/v1/orgs/{code}/employment-statistics", params=period),
        org_picker(api, user, org))
    stats, visits, jobs = stats.body, visits.body, jobs.body
    coverage = coverage_rows(visits.get("coverage", {}))
    return render(request, "community/index.html", {
        "user": user, "org": code, "picker": picker, "stats": stats, "visits": visits, "jobs": jobs,
        "coverage": coverage,
        "keys": ("residents", "households", *GROUPS), "employment_figures": EMPLOYMENT_FIGURES,
        "values": {"as_of": as_of.isoformat(), "from": since.isoformat(), "to": until.isoformat()},
        "charts": _charts(stats, coverage)})


@router.get("/community/visits-by-month.svg")
async def visits_by_month(user: CurrentUser, api: BackendDep, org: Annotated[str | None, Query()] = None,
                          until: Annotated[date | None, Query(alias="to")] = None) -> Response:
    """The month-by-month line as an image of its own: six months of visit figures take six statistics
    requests, which the page does not wait for."""
    months = await _monthly_visits(api, home_org(user, org), until or date.today())
    chart = charts.line_chart("chart-months", t("community.chart_months"), t("community.chart_months_desc"), months)
    return Response(str(chart), media_type="image/svg+xml")


def _charts(stats: dict, coverage: list[dict]) -> dict:
    figures = stats["statistics"]
    return {
        "groups": charts.bar_chart("chart-groups", t("community.chart_groups"), t("community.chart_groups_desc"),
                                   [(label("group", g), figures[g]) for g in GROUPS if figures.get(g) is not None]),
        "coverage": charts.coverage_chart(
            "chart-coverage", t("community.chart_coverage"), t("community.chart_coverage_desc"),
            [(label("group", r["group"]), r["share"], r["target"]) for r in coverage if r["share"] is not None],
            t("community.met_target"), t("community.short_of_target")),
    }
