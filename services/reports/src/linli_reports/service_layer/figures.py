"""The figures a caller sees: exact for whoever may read the people behind them, small cells hidden from officers.

An officer's view of any report of a run is its column of the whole run's protected table
(`linli_shared.domain.suppression`), so the report JSON, its XLSX and the roll-up hide the same cells and one
output cannot be subtracted from another.
"""
from __future__ import annotations

from dataclasses import dataclass

from linli_shared.auth import Principal
from linli_shared.domain.suppression import Figure, Table, protect_table, sees_exact_figures

from linli_reports.domain.compute import Value
from linli_reports.service_layer.context import Reports
from linli_reports.storage import reports as stored
from linli_reports.storage.reports import Report

SUPPRESSED = "*"  # how a hidden cell reads in XLSX (JSON: null, its key listed in `suppressed`)


@dataclass(frozen=True)
class Seen:
    """A run's reports as one caller sees them; `below` is None when nothing is hidden from them."""

    reports: list[Report]
    totals: dict[str, Value] | None
    below: int | None

    def note(self) -> str | None:
        return None if self.below is None else (
            f"{SUPPRESSED} 为保护个人信息，不足{self.below}人的数据不予显示，可由合计推算出它们的数据也一并隐去")


async def run_as_seen(ctx: Reports, principal: Principal, run_id: str, mark: Value = None) -> Seen:
    """Every report of a run, in community order; for officers with hidden cells set to `mark`."""
    reports = await stored.of_run(ctx.db, run_id)
    if sees_exact_figures(principal):
        return Seen(reports, None, None)
    table = _protect(reports, ctx.suppress_below)
    shown = [_hide(report, hidden, mark) for report, hidden in zip(reports, table.hidden, strict=True)]
    totals = {k: mark if k in table.totals_hidden else v for k, v in table.totals.items()}
    return Seen(shown, totals, ctx.suppress_below)


async def report_as_seen(ctx: Reports, principal: Principal, report: Report,
                         mark: Value = None) -> tuple[Report, Seen]:
    """One report as the caller sees it: for an officer, its column of the run's table as stored now."""
    if sees_exact_figures(principal):
        return report, Seen([report], None, None)
    seen = await run_as_seen(ctx, principal, report.run_id, mark)
    return next(r for r in seen.reports if r.id == report.id), seen


def _protect(reports: list[Report], below: int) -> Table:
    keys = sorted({k for r in reports for k in r.kinds})
    return protect_table([_figures(r) for r in reports], keys, below)


def _figures(report: Report) -> dict[str, Figure]:
    values, people = report.values, report.people
    return {k: Figure(values.get(k), people[k] if people and k in people else _people_before(values.get(k)))
            for k in report.kinds}


def _people_before(value: Value) -> int:
    # Reports computed before people were counted: a count is its own people; a sum (aid) is taken as small.
    return value if isinstance(value, int) and not isinstance(value, bool) else 1 if value else 0


def _hide(report: Report, hidden: frozenset[str], mark: Value) -> Report:
    values = {k: mark if k in hidden else v for k, v in report.values.items()}
    return report.model_copy(update={"values": values, "suppressed": sorted(hidden)})
