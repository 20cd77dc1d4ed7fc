"""One community's report: review, manual cells, submit; the street returns or accepts; explicit recompute."""
from __future__ import annotations

from datetime import date
from typing import Any

from linli_shared.auth import Access, Principal
from linli_shared.errors import conflict, invalid, not_found
from linli_shared.mongo import update_versioned
from linli_shared.outbox import Tx

from linli_reports.events import ReportAccepted, ReportReturned, ReportSubmitted
from linli_reports.service_layer.context import Reports
from linli_reports.service_layer.snapshots import compute_cells, facts_of, write_revision
from linli_reports.service_layer.templates import template_version
from linli_reports.storage.indexes import REPORTS

EDITABLE = ("draft", "returned")
ManualValue = str | int | float | None


async def get_report(ctx: Reports, principal: Principal, report_id: str, access: Access = Access.AGGREGATE) -> dict:
    report = await ctx.db[REPORTS].find_one({"_id": report_id})
    if report is None:
        raise not_found("report.not_found", f"report {report_id} does not exist")
    principal.authorize(report["community_code"], access)
    return report


def street_of(report: dict[str, Any]) -> str:
    return report["community_code"][:9]


async def fill_manual(ctx: Reports, principal: Principal, report_id: str, expected: int,
                      cells: dict[str, ManualValue]) -> dict[str, Any]:
    report = await get_report(ctx, principal, report_id, Access.ADMIN)
    _require(report, EDITABLE, "report.not_editable")
    template = await template_version(ctx.db, report["template_key"], report["template_version"])
    manual = {i.key for i in template.indicators if i.source == "manual"}
    for key in cells:
        if key not in manual:
            raise invalid("report.cell.not_manual", f"{key} is not a manual cell of this template", ["body", key])
    update = {"$set": {f"manual.{k}": v for k, v in cells.items()}}
    return await ctx.uow.run(lambda tx: update_versioned(tx.db[REPORTS], report_id, expected, update, tx.session,
                                                         "report.not_found"))


async def submit(ctx: Reports, principal: Principal, report_id: str) -> dict[str, Any]:
    report = await get_report(ctx, principal, report_id, Access.ADMIN)
    _require(report, EDITABLE, "report.not_submittable")
    return await _move(ctx, report, "submitted", principal,
                       ReportSubmitted(submitted_by=principal.sub, **facts_of(report)))


async def return_report(ctx: Reports, principal: Principal, report_id: str, comment: str) -> dict[str, Any]:
    report = await get_report(ctx, principal, report_id)
    principal.authorize(street_of(report), Access.ADMIN)
    _require(report, ("submitted",), "report.not_submitted")
    return await _move(ctx, report, "returned", principal,
                       ReportReturned(returned_by=principal.sub, comment=comment, **facts_of(report)), comment=comment)


async def accept(ctx: Reports, principal: Principal, report_id: str) -> dict[str, Any]:
    report = await get_report(ctx, principal, report_id)
    principal.authorize(street_of(report), Access.ADMIN)
    _require(report, ("submitted",), "report.not_submitted")
    return await _move(ctx, report, "accepted", principal, ReportAccepted(accepted_by=principal.sub,
                                                                           **facts_of(report)))


async def recompute(ctx: Reports, principal: Principal, report_id: str) -> dict[str, Any]:
    """A new revision from today's projection; only while the community holds the report (draft or returned)."""
    report = await get_report(ctx, principal, report_id, Access.ADMIN)
    _require(report, EDITABLE, "report.not_recomputable")
    template = await template_version(ctx.db, report["template_key"], report["template_version"])
    bounds = (date.fromisoformat(report["start"]), date.fromisoformat(report["end"]),
              date.fromisoformat(report["as_of"]))
    computed = await compute_cells(ctx, template, report["community_code"], bounds)

    async def work(tx: Tx) -> dict[str, Any]:
        fresh = dict(report, revision=report["revision"] + 1, version=report["version"] + 1)
        await write_revision(tx, fresh, computed)
        entry = {"action": "computed", "by": principal.sub, "at": fresh["computed_at"], "revision": fresh["revision"]}
        await update_versioned(tx.db[REPORTS], report_id, report["version"], {
            "$set": {k: fresh[k] for k in ("values", "kinds", "people", "computed_at", "watermark", "revision")},
            "$push": {"history": entry}}, tx.session, "report.not_found")
        return await tx.db[REPORTS].find_one({"_id": report_id}, session=tx.session)

    return await ctx.uow.run(work)


def _require(report: dict[str, Any], states: tuple[str, ...], code: str) -> None:
    if report["status"] not in states:
        raise conflict(code, f"report {report['_id']} is {report['status']}; this needs {' or '.join(states)}")


async def _move(ctx: Reports, report: dict[str, Any], status: str, principal: Principal, event: Any,
                comment: str | None = None) -> dict[str, Any]:
    async def work(tx: Tx) -> dict[str, Any]:
        entry = {"action": status, "by": principal.sub, "at": ctx.clock.now(), "revision": report["revision"],
                 **({"comment": comment} if comment else {})}
        moved = await update_versioned(tx.db[REPORTS], report["_id"], report["version"], {
            "$set": {"status": status, **({"comment": comment} if status == "returned" else {})},
            "$push": {"history": entry}}, tx.session, "report.not_found")
        tx.emit(event, subject=report["_id"], community=report["community_code"], aggregate_version=moved["version"])
        return moved

    return await ctx.uow.run(work)
