"""The figures a caller sees: exact for whoever may read the people behind them, small cells hidden from officers.

An officer's view of any report of a run is its column of the whole run's protected table
(`linli_shared.domain.suppression`), so the report JSON, its XLSX and the roll-up hide the same cells and one
output cannot be subtracted from another.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from linli_shared.auth import Principal
from linli_shared.domain.suppression import Figure, Table, protect_table, sees_exact_figures

from linli_reports.domain.compute import Value
from linli_reports.service_layer.context import Reports
from linli_reports.storage.indexes import REPORTS

SUPPRESSED = "*"  # how a hidden cell reads in XLSX (JSON: null, its key listed in `suppressed`)


@dataclass(frozen=True)
class Seen:
    """A run's reports as one caller sees them; `below` is None when nothing is hidden from them."""

    reports: list[dict[str, Any]]
    totals: dict[str, Value] | None
    below: int | None

    def note(self) -> str | None:
        return None if self.below is None else (
            f"{SUPPRESSED} 为保护个人信息，不足{self.below}人的数据不予显示，可由合计推算出它们的数据也一并隐去")


async def run_as_seen(ctx: Reports, principal: Principal, run_id: str, mark: Value = None) -> Seen:
    """Every report of a run, in community order; for officers with hidden cells set to `mark`."""
    reports = await ctx.db[REPORTS].find({"run_id": run_id}).sort("community_code", 1).to_list()
    if sees_exact_figures(principal):
        return Seen(reports, None, None)
    table = _protect(reports, ctx.suppress_below)
    shown = [_hide(report, hidden, mark) for report, hidden in zip(reports, table.hidden, strict=True)]
    totals = {k: mark if k in table.totals_hidden else v for k, v in table.totals.items()}
    return Seen(shown, totals, ctx.suppress_below)


async def report_as_seen(ctx: Reports, principal: Principal, report: dict[str, Any],
                         mark: Value = None) -> tuple[dict[str, Any], Seen]:
    """One report as the caller sees it: for an officer, its column of the run's table as stored now."""
    if sees_exact_figures(principal):
        return report, Seen([report], None, None)
    seen = await run_as_seen(ctx, principal, report["run_id"], mark)
    return next(r for r in seen.reports if r["_id"] == report["_id"]), seen


def _protect(reports: list[dict[str, Any]], below: int) -> Table:
    keys = sorted({k for r in reports for k in r.get("kinds", {})})
    return protect_table([_figures(r) for r in reports], keys, below)


def _figures(report: dict[str, Any]) -> dict[str, Figure]:
    values, people = report.get("values", {}), report.get("people")
    return {k: Figure(values.get(k), people[k] if people and k in people else _people_before(values.get(k)))
            for k in report.get("kinds", {})}


def _people_before(value: Value) -> int:
    # Reports computed before people were counted: a count is its own people; a sum (aid) is taken as small.
    return value if isinstance(value, int) and not isinstance(value, bool) else 1 if value else 0


def _hide(report: dict[str, Any], hidden: frozenset[str], mark: Value) -> dict[str, Any]:
    values = {k: mark if k in hidden else v for k, v in report.get("values", {}).items()}
    return {**report, "values": values, "suppressed": sorted(hidden)}
