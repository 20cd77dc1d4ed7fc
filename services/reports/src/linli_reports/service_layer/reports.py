"""One community's report: review, manual cells, submit; the street returns or accepts; explicit recompute."""
from __future__ import annotations

from datetime import date
from typing import Any

from linli_shared.auth import Access, Principal
from linli_shared.errors import conflict, invalid, not_found
from linli_shared.outbox import Tx
from linli_shared.privacy import redact_text

from linli_reports.events import ReportAccepted, ReportReturned, ReportSubmitted
from linli_reports.service_layer.context import Reports
from linli_reports.service_layer.snapshots import compute_cells, facts_of, write_revision
from linli_reports.service_layer.templates import template_version
from linli_reports.storage import reports as stored
from linli_reports.storage.reports import HistoryEntry, Listed, Report

EDITABLE = ("draft", "returned")
ManualValue = str | int | float | None


async def get_report(ctx: Reports, principal: Principal, report_id: str, access: Access = Access.AGGREGATE) -> Report:
    report = await stored.get(ctx.db, report_id)
    if report is None:
        raise not_found("report.not_found", f"report {report_id} does not exist")
    principal.authorize(report.community_code, access)
    return report


async def list_reports(ctx: Reports, principal: Principal, org: str, status: str | None, run_id: str | None,
                       limit: int, cursor: str | None) -> tuple[list[Listed], str | None]:
    """The reports of the communities under `org`."""
    principal.authorize(org, Access.AGGREGATE)
    return await stored.page_under(ctx.db, org, status, run_id, limit, cursor)


async def fill_manual(ctx: Reports, principal: Principal, report_id: str, expected: int,
                      cells: dict[str, ManualValue]) -> Report:
    report = await get_report(ctx, principal, report_id, Access.ADMIN)
    _require(report, EDITABLE, "report.not_editable")
    template = await template_version(ctx.db, report.template_key, report.template_version)
    manual = {i.key for i in template.indicators if i.source == "manual"}
    for key in cells:
        if key not in manual:
            raise invalid("report.cell.not_manual", f"{key} is not a manual cell of this template", ["body", key])
    return await ctx.uow.run(lambda tx: stored.fill_manual(tx, report_id, expected, cells))


async def submit(ctx: Reports, principal: Principal, report_id: str) -> Report:
    report = await get_report(ctx, principal, report_id, Access.ADMIN)
    _require(report, EDITABLE, "report.not_submittable")
    return await _move(ctx, report, "submitted", principal,
                       ReportSubmitted(submitted_by=principal.sub, **facts_of(report)))


async def return_report(ctx: Reports, principal: Principal, report_id: str, comment: str) -> Report:
    report = await get_report(ctx, principal, report_id)
    principal.authorize(report.street, Access.ADMIN)
    _require(report, ("submitted",), "report.not_submitted")
    return await _move(ctx, report, "returned", principal,
                       ReportReturned(returned_by=principal.sub, comment=redact_text(comment), **facts_of(report)),
                       comment=comment)  # the event is read outside: no number a reviewer typed goes on the bus


async def accept(ctx: Reports, principal: Principal, report_id: str) -> Report:
    report = await get_report(ctx, principal, report_id)
    principal.authorize(report.street, Access.ADMIN)
    _require(report, ("submitted",), "report.not_submitted")
    return await _move(ctx, report, "accepted", principal, ReportAccepted(accepted_by=principal.sub,
                                                                           **facts_of(report)))


async def recompute(ctx: Reports, principal: Principal, report_id: str) -> Report:
    """A new revision from today's projection; only while the community holds the report (draft or returned)."""
    report = await get_report(ctx, principal, report_id, Access.ADMIN)
    _require(report, EDITABLE, "report.not_recomputable")
    template = await template_version(ctx.db, report.template_key, report.template_version)
    bounds = (date.fromisoformat(report.start), date.fromisoformat(report.end), date.fromisoformat(report.as_of))
    computed = await compute_cells(ctx, template, report.community_code, bounds)

    async def work(tx: Tx) -> Report:
        fresh = await write_revision(tx, report.model_copy(update={"revision": report.revision + 1,
                                                                   "version": report.version + 1}), computed)
        entry = HistoryEntry(action="computed", by=principal.sub, at=computed.computed_at, revision=fresh.revision)
        return await stored.new_revision(tx, report, fresh, entry)

    return await ctx.uow.run(work)


def _require(report: Report, states: tuple[str, ...], code: str) -> None:
    if report.status not in states:
        raise conflict(code, f"report {report.id} is {report.status}; this needs {' or '.join(states)}")


async def _move(ctx: Reports, report: Report, status: str, principal: Principal, event: Any,
                comment: str | None = None) -> Report:
    async def work(tx: Tx) -> Report:
        entry = HistoryEntry(action=status, by=principal.sub, at=ctx.clock.now(), revision=report.revision,
                             comment=comment or None)
        moved = await stored.move(tx, report, status, entry, comment)
        tx.emit(event, subject=report.id, community=report.community_code, aggregate_version=moved.version)
        return moved

    return await ctx.uow.run(work)
