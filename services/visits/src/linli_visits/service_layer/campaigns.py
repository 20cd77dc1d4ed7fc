"""Festival campaigns (逢年过节慰问): a selection of residents, a festival window, aid handed over."""
from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

from linli_shared.auth import Access, Principal
from linli_shared.errors import conflict
from linli_shared.mongo import find_authorized
from linli_shared.outbox import Tx

from linli_visits.api.schemas import CampaignIn
from linli_visits.domain.calendar import festival_date
from linli_visits.domain.rules import festival_task
from linli_visits.service_layer.context import Visits
from linli_visits.storage import tasks
from linli_visits.storage.indexes import CAMPAIGNS, HOUSEHOLDS, RESIDENTS, TASKS, VISITS
from linli_visits.storage.projection import community_groups


async def start(ctx: Visits, principal: Principal, community: str, body: CampaignIn) -> dict[str, Any]:
    principal.authorize(community, Access.ADMIN)
    day = festival_date(body.festival, body.year)
    residents = await ctx.db[RESIDENTS].find({"community_code": community, "status": "active"}).to_list()
    households = await ctx.db[HOUSEHOLDS].find({"community_code": community}).to_list()
    groups = community_groups(residents, households, day, ctx.rules)
    targets = [r for r in residents if set(groups[r["_id"]]) & set(body.target_groups)]
    policy = await ctx.policy(community)
    campaign_id = str(uuid.uuid4())

    async def work(tx: Tx) -> dict[str, Any]:
        if await tx.db[CAMPAIGNS].find_one({"community_code": community, "festival": body.festival,
                                            "year": body.year}, session=tx.session):
            raise conflict("campaign.duplicate", f"{community} already has a {body.festival} {body.year} campaign")
        doc = {"_id": campaign_id, "community_code": community, **body.model_dump(mode="json"),
               "festival_date": day.isoformat(), "targets": len(targets), "created_by": principal.sub,
               "created_at": ctx.clock.now()}
        await tx.db[CAMPAIGNS].insert_one(doc, session=tx.session)
        plans = [(festival_task(r["_id"], campaign_id, body.festival, body.year, policy), r, None) for r in targets]
        await tasks.create_tasks(tx, plans, ctx.clock.now())
        return doc

    return await ctx.uow.run(work)


async def progress(ctx: Visits, principal: Principal, campaign_id: str) -> dict[str, Any]:
    campaign = await find_authorized(ctx.db[CAMPAIGNS], campaign_id, principal, Access.READ, "campaign",
                                     "campaign.not_found")
    campaign_tasks = await ctx.db[TASKS].find({"source": campaign_id}, {"status": 1, "visit_id": 1}).to_list()
    statuses = Counter(t["status"] for t in campaign_tasks)
    visit_ids = [t["visit_id"] for t in campaign_tasks if t.get("visit_id")]
    visits = await ctx.db[VISITS].find({"_id": {"$in": visit_ids}}, {"aid_total_cny": 1}).to_list()
    return {**campaign, "visited": statuses["completed"], "open": statuses["open"], "overdue": statuses["overdue"],
            "cancelled": statuses["cancelled"], "aid_total_cny": round(sum(v["aid_total_cny"] for v in visits), 2)}
