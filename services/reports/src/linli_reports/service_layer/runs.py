"""A report run: one template, one period, a snapshot for every community under the template's org."""
from __future__ import annotations

import asyncio
import uuid
from typing import Any

from linli_shared.auth import Access, Principal
from linli_shared.errors import invalid, not_found
from linli_shared.outbox import Tx

from linli_reports.domain.period import Period
from linli_reports.service_layer.context import Reports
from linli_reports.service_layer.snapshots import compute_cells, write_revision
from linli_reports.service_layer.templates import template_version
from linli_reports.storage.indexes import REPORTS, RUNS
from linli_reports.storage.projection import communities_under, org_names

CONCURRENCY = 8  # communities computed at once: overlaps the store's round trips, bounds memory


async def start_run(ctx: Reports, principal: Principal, key: str, period: Period) -> dict[str, Any]:
    template = await template_version(ctx.db, key)
    principal.authorize(template.org_code, Access.ADMIN)
    communities = await communities_under(ctx.db, template.org_code)
    if not communities:
        raise invalid("run.no_communities", f"no community under {template.org_code} is known yet", ["path", "key"])
    start, end, as_of = period.bounds()
    names = await org_names(ctx.db, communities)
    run = {"_id": str(uuid.uuid4()), "template_key": key, "template_version": template.version,
           "template_name": template.name, "org_code": template.org_code, "period": period.model_dump(mode="json"),
           "period_label": period.label(), "start": start.isoformat(), "end": end.isoformat(),
           "as_of": as_of.isoformat(), "started_by": principal.sub, "started_at": ctx.clock.now(), "reports": []}
    gate = asyncio.Semaphore(CONCURRENCY)

    async def snapshot(community: str) -> dict[str, Any]:
        async with gate:
            computed = await compute_cells(ctx, template, community, (start, end, as_of))
            report = {"_id": str(uuid.uuid4()), "run_id": run["_id"], "community_code": community,
                      "community_name": names.get(community, community), "template_key": key,
                      "template_version": template.version, "template_name": template.name,
                      "owner_org": template.org_code, "period": run["period"], "period_label": run["period_label"],
                      "start": run["start"], "end": run["end"], "as_of": run["as_of"], "manual": {},
                      "status": "draft", "revision": 1, "version": 1, "comment": None, "history": []}

            async def work(tx: Tx) -> None:
                await write_revision(tx, report, computed)
                report["history"] = [{"action": "computed", "by": principal.sub, "at": report["computed_at"],
                                      "revision": 1}]
                await tx.db[REPORTS].insert_one(report, session=tx.session)

            await ctx.uow.run(work)
            return {"community_code": community, "report_id": report["_id"]}

    run["reports"] = list(await asyncio.gather(*(snapshot(c) for c in communities)))
    run["computed_at"] = ctx.clock.now()
    await ctx.db[RUNS].insert_one(run)
    return run


async def get_run(ctx: Reports, principal: Principal, run_id: str) -> dict[str, Any]:
    run = await ctx.db[RUNS].find_one({"_id": run_id})
    if run is None:
        raise not_found("run.not_found", f"report run {run_id} does not exist")
    principal.authorize(run["org_code"], Access.AGGREGATE)
    states = {r["_id"]: r for r in await ctx.db[REPORTS].find({"run_id": run_id}, {"status": 1, "revision": 1})
              .to_list()}
    for entry in run["reports"]:
        entry.update({k: states.get(entry["report_id"], {}).get(k) for k in ("status", "revision")})
    return run
