"""Computing one community's report: values, lineage and the data watermark, written as one revision."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from linli_shared.outbox import Tx

from linli_reports.domain.compute import Cell, compute
from linli_reports.domain.indicators import Template
from linli_reports.events import ReportComputed
from linli_reports.service_layer.context import Reports
from linli_reports.storage import lineage
from linli_reports.storage.lineage import LineageCell
from linli_reports.storage.projection import community_facts, watermark
from linli_reports.storage.reports import Report


@dataclass(frozen=True)
class Computed:
    cells: dict[str, Cell]
    watermark: dict[str, datetime]
    computed_at: datetime


async def compute_cells(ctx: Reports, template: Template, community: str,
                        bounds: tuple[date, date, date]) -> Computed:
    start, end, as_of = bounds
    facts = await community_facts(ctx.db, community, start, end)
    stamp = await watermark(ctx.db)
    return Computed(compute(template, facts, start, end, as_of, ctx.rules), stamp, ctx.clock.now())


async def write_revision(tx: Tx, report: Report, computed: Computed) -> Report:
    """The report with its values, the ids behind each one stored beside it; the computation announced."""
    cells = {k: c for k, c in computed.cells.items() if c.kind is not None}
    report = report.model_copy(update={
        "values": {k: c.value for k, c in cells.items()}, "kinds": {k: c.kind for k, c in cells.items()},
        "people": {k: c.people for k, c in cells.items()}, "computed_at": computed.computed_at,
        "watermark": computed.watermark})
    await lineage.insert(tx, [LineageCell(id=lineage.cell_id(report.id, report.revision, key), report_id=report.id,
                                          revision=report.revision, indicator=key, kind=cell.kind, ids=cell.ids)
                              for key, cell in cells.items()])
    tx.emit(ReportComputed(values=report.values, **facts_of(report)), subject=report.id,
            community=report.community_code, aggregate_version=report.version)
    return report


def facts_of(report: Report) -> dict[str, Any]:
    return {"report_id": report.id, "run_id": report.run_id, "community_code": report.community_code,
            "template_key": report.template_key, "template_version": report.template_version,
            "period_start": report.start, "period_end": report.end, "revision": report.revision}
