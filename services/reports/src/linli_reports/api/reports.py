"""Runs, community reports, their review, their XLSX and the lineage of every number."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Response

from linli_shared.auth import CurrentPrincipal, Principal
from linli_shared.etag import RequiredVersion, etag
from linli_shared.openapi import download_responses
from linli_shared.orgs import OrgCode
from linli_shared.pagination import DEFAULT_LIMIT, Cursor, Limit, Page

from linli_reports.api.deps import ReportsDep
from linli_reports.api.schemas import (
    LineagePage,
    ManualCellsIn,
    ReportOut,
    ReportSummary,
    ReturnIn,
    RunIn,
    RunOut,
)
from linli_reports.service_layer import figures, lineage, reports, runs
from linli_reports.service_layer.context import Reports
from linli_reports.service_layer.figures import SUPPRESSED
from linli_reports.service_layer.templates import template_version
from linli_reports.service_layer.xlsx import XLSX, report_xlsx, rollup_xlsx
from linli_reports.storage.reports import Report

router = APIRouter(prefix="/v1", tags=["reports"])


async def _report(ctx: Reports, principal: Principal, report: Report, response: Response) -> ReportOut:
    """Every report answer goes through `report_as_seen`: an officer never gets a small cell."""
    report, seen = await figures.report_as_seen(ctx, principal, report)
    response.headers["ETag"] = etag(report.version)
    return ReportOut.model_validate(report, from_attributes=True).model_copy(update={"suppressed_below": seen.below})


def _xlsx(content: bytes, name: str) -> Response:
    return Response(content, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})


@router.post("/report-templates/{key}/runs", response_model=RunOut, status_code=201)
async def start_run(key: str, body: RunIn, ctx: ReportsDep, principal: CurrentPrincipal) -> RunOut:
    return RunOut.model_validate(await runs.start_run(ctx, principal, key, body.period), from_attributes=True)


@router.get("/report-runs/{run_id}", response_model=RunOut)
async def get_run(run_id: str, ctx: ReportsDep, principal: CurrentPrincipal) -> RunOut:
    return RunOut.model_validate(await runs.get_run(ctx, principal, run_id), from_attributes=True)


@router.get("/report-runs/{run_id}/rollup.xlsx", response_class=Response,
            responses=download_responses("the run's communities side by side, as XLSX"))
async def rollup(run_id: str, ctx: ReportsDep, principal: CurrentPrincipal) -> Response:
    """Communities side by side and 合计; for officers small cells (and those they would follow from) read "*"."""
    run = await runs.get_run(ctx, principal, run_id)
    template = await template_version(ctx.db, run.template_key, run.template_version)
    seen = await figures.run_as_seen(ctx, principal, run_id, SUPPRESSED)
    content = rollup_xlsx(template, run.model_dump(), [r.model_dump() for r in seen.reports], seen.totals, seen.note())
    return _xlsx(content, f"rollup-{run_id}")


@router.get("/orgs/{code}/reports", response_model=Page[ReportSummary])
async def list_reports(code: OrgCode, ctx: ReportsDep, principal: CurrentPrincipal,
                       status: Literal["draft", "submitted", "returned", "accepted"] | None = None,
                       run_id: str | None = None, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
                       ) -> Page[ReportSummary]:
    """What a street sees: its communities' reports, e.g. ?status=submitted for what waits for review."""
    listed, next_cursor = await reports.list_reports(ctx, principal, code, status, run_id, limit, cursor)
    return Page(items=[ReportSummary.model_validate(r, from_attributes=True) for r in listed], next_cursor=next_cursor)


@router.get("/reports/{report_id}.xlsx", response_class=Response,
            responses=download_responses("the community's report, as XLSX"))
async def report_file(report_id: str, ctx: ReportsDep, principal: CurrentPrincipal) -> Response:
    report = await reports.get_report(ctx, principal, report_id)
    report, seen = await figures.report_as_seen(ctx, principal, report, SUPPRESSED)
    template = await template_version(ctx.db, report.template_key, report.template_version)
    return _xlsx(report_xlsx(template, report.model_dump(), seen.note()), f"report-{report_id}")


@router.get("/reports/{report_id}", response_model=ReportOut)
async def get_report(report_id: str, response: Response, ctx: ReportsDep, principal: CurrentPrincipal) -> ReportOut:
    """Officers (aggregates only) get small cells as null, listed in `suppressed`: fewer than `suppressed_below`
    people behind them (`LINLI_SUPPRESS_BELOW`, default 5), or derivable from the roll-up's total."""
    return await _report(ctx, principal, await reports.get_report(ctx, principal, report_id), response)


@router.put("/reports/{report_id}/manual-cells", response_model=ReportOut)
async def fill_manual(report_id: str, body: ManualCellsIn, response: Response, ctx: ReportsDep,
                      principal: CurrentPrincipal,
                      version: RequiredVersion) -> ReportOut:
    filled = await reports.fill_manual(ctx, principal, report_id, version, body.cells)
    return await _report(ctx, principal, filled, response)


@router.post("/reports/{report_id}/submit", response_model=ReportOut)
async def submit(report_id: str, response: Response, ctx: ReportsDep, principal: CurrentPrincipal) -> ReportOut:
    return await _report(ctx, principal, await reports.submit(ctx, principal, report_id), response)


@router.post("/reports/{report_id}/return", response_model=ReportOut)
async def return_report(report_id: str, body: ReturnIn, response: Response, ctx: ReportsDep,
                        principal: CurrentPrincipal) -> ReportOut:
    returned = await reports.return_report(ctx, principal, report_id, body.comment)
    return await _report(ctx, principal, returned, response)


@router.post("/reports/{report_id}/accept", response_model=ReportOut)
async def accept(report_id: str, response: Response, ctx: ReportsDep, principal: CurrentPrincipal) -> ReportOut:
    return await _report(ctx, principal, await reports.accept(ctx, principal, report_id), response)


@router.post("/reports/{report_id}/recompute", response_model=ReportOut)
async def recompute(report_id: str, response: Response, ctx: ReportsDep, principal: CurrentPrincipal) -> ReportOut:
    return await _report(ctx, principal, await reports.recompute(ctx, principal, report_id), response)


@router.get("/reports/{report_id}/cells/{indicator}/lineage", response_model=LineagePage)
async def cell_lineage(report_id: str, indicator: str, ctx: ReportsDep, principal: CurrentPrincipal,
                       limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> LineagePage:
    return LineagePage(**await lineage.lineage(ctx, principal, report_id, indicator, limit, cursor))
