"""Computing one community's report: values, lineage and the data watermark, written as one revision."""
from __future__ import annotations

from datetime import date
from typing import Any

from linli_shared.outbox import Tx

from linli_reports.domain.compute import compute
from linli_reports.domain.indicators import Template
from linli_reports.events import ReportComputed
from linli_reports.service_layer.context import Reports
from linli_reports.storage.indexes import LINEAGE
from linli_reports.storage.projection import community_facts, watermark


async def compute_cells(ctx: Reports, template: Template, community: str, bounds: tuple[date, date, date]) -> dict:
    start, end, as_of = bounds
    facts = await community_facts(ctx.db, community, start, end)
    stamp = await watermark(ctx.db)
    cells = compute(template, facts, start, end, as_of, ctx.rules)
    return {"cells": cells, "watermark": stamp, "computed_at": ctx.clock.now()}


async def write_revision(tx: Tx, report: dict[str, Any], computed: dict[str, Any]) -> None:
    """Store the values on the report and the ids behind each one beside it; announce the computation."""
    cells = computed["cells"]
    report.update(values={k: c.value for k, c in cells.items() if c.kind is not None},
                  kinds={k: c.kind for k, c in cells.items() if c.kind is not None},
                  people={k: c.people for k, c in cells.items() if c.kind is not None},
                  computed_at=computed["computed_at"], watermark=computed["watermark"])
    lineage = [{"_id": f"{report['_id']}:{report['revision']}:{key}", "report_id": report["_id"],
                "revision": report["revision"], "indicator": key, "kind": cell.kind, "ids": cell.ids}
               for key, cell in cells.items() if cell.kind is not None]
    if lineage:
        await tx.db[LINEAGE].insert_many(lineage, session=tx.session)
    tx.emit(ReportComputed(values=report["values"], **facts_of(report)), subject=report["_id"],
            community=report["community_code"], aggregate_version=report["version"])


def facts_of(report: dict[str, Any]) -> dict[str, Any]:
    return {"report_id": report["_id"], "run_id": report["run_id"], "community_code": report["community_code"],
            "template_key": report["template_key"], "template_version": report["template_version"],
            "period_start": report["start"], "period_end": report["end"], "revision": report["revision"]}
