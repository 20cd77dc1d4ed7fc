"""A report run: one template, one period, a snapshot for every community under the template's org."""
from __future__ import annotations

import asyncio
import uuid

from linli_shared.auth import Access, Principal
from linli_shared.errors import invalid, not_found
from linli_shared.outbox import Tx

from linli_reports.domain.period import Period
from linli_reports.service_layer.context import Reports
from linli_reports.service_layer.snapshots import compute_cells, write_revision
from linli_reports.service_layer.templates import template_version
from linli_reports.storage import reports as stored_reports
from linli_reports.storage import runs as stored
from linli_reports.storage.projection import communities_under, org_names
from linli_reports.storage.reports import HistoryEntry, Report
from linli_reports.storage.runs import Run, RunReport

CONCURRENCY = 8  # communities computed at once: overlaps the store's round trips, bounds memory


async def start_run(ctx: Reports, principal: Principal, key: str, period: Period) -> Run:
    template = await template_version(ctx.db, key)
    principal.authorize(template.org_code, Access.ADMIN)
    communities = await communities_under(ctx.db, template.org_code)
    if not communities:
        raise invalid("run.no_communities", f"no community under {template.org_code} is known yet", ["path", "key"])
    start, end, as_of = period.bounds()
    names = await org_names(ctx.db, communities)
    run = Run(id=str(uuid.uuid4()), template_key=key, template_version=template.version,
              template_name=template.name, org_code=template.org_code, period=period, period_label=period.label(),
              start=start.isoformat(), end=end.isoformat(), as_of=as_of.isoformat(), started_by=principal.sub,
              started_at=ctx.clock.now())
    gate = asyncio.Semaphore(CONCURRENCY)

    async def snapshot(community: str) -> RunReport:
        async with gate:
            computed = await compute_cells(ctx, template, community, (start, end, as_of))
            draft = Report(id=str(uuid.uuid4()), run_id=run.id, community_code=community,
                           community_name=names.get(community, community), template_key=key,
                           template_version=template.version, template_name=template.name,
                           owner_org=template.org_code, period=run.period, period_label=run.period_label,
                           start=run.start, end=run.end, as_of=run.as_of, manual={}, status="draft", revision=1,
                           version=1, comment=None, history=[])

            async def work(tx: Tx) -> None:
                report = await write_revision(tx, draft, computed)
                first = HistoryEntry(action="computed", by=principal.sub, at=computed.computed_at, revision=1)
                await stored_reports.insert(tx, report.model_copy(update={"history": [first]}))

            await ctx.uow.run(work)
            return RunReport(community_code=community, report_id=draft.id)

    reports = list(await asyncio.gather(*(snapshot(c) for c in communities)))
    run = run.model_copy(update={"reports": reports, "computed_at": ctx.clock.now()})
    await stored.insert(ctx.db, run)
    return run


async def get_run(ctx: Reports, principal: Principal, run_id: str) -> Run:
    """The run, each of its reports with its status and revision now."""
    run = await stored.get(ctx.db, run_id)
    if run is None:
        raise not_found("run.not_found", f"report run {run_id} does not exist")
    principal.authorize(run.org_code, Access.AGGREGATE)
    states = await stored_reports.states_of_run(ctx.db, run_id)
    for entry in run.reports:
        entry.status, entry.revision = states.get(entry.report_id, (None, None))
    return run
