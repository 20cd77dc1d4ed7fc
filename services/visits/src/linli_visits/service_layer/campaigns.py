"""Festival campaigns (逢年过节慰问): a selection of residents, a festival window, aid handed over."""
from __future__ import annotations

import uuid

from linli_shared.auth import Access, Principal
from linli_shared.errors import conflict
from linli_shared.outbox import Tx

from linli_visits.domain.calendar import festival_date
from linli_visits.domain.commands import StartCampaign
from linli_visits.domain.rules import festival_task
from linli_visits.service_layer.context import Visits
from linli_visits.storage import campaigns, projection, tasks, visits
from linli_visits.storage.campaigns import Campaign


class CampaignProgress(Campaign):
    visited: int
    open: int
    overdue: int
    cancelled: int
    aid_total_cny: float


async def start(ctx: Visits, principal: Principal, community: str, command: StartCampaign) -> Campaign:
    principal.authorize(community, Access.ADMIN)
    day = festival_date(command.festival, command.year)
    residents = await projection.residents_in(ctx.db, community, active_only=True)
    households = await projection.households_in(ctx.db, community)
    groups = projection.community_groups(residents, households, day, ctx.rules)
    targets = [r for r in residents if set(groups[r["_id"]]) & set(command.target_groups)]
    policy = await ctx.policy(community)
    campaign_id = str(uuid.uuid4())

    async def work(tx: Tx) -> Campaign:
        if await campaigns.exists(tx, community, command.festival, command.year):
            raise conflict("campaign.duplicate",
                           f"{community} already has a {command.festival} {command.year} campaign")
        campaign = Campaign(id=campaign_id, community_code=community, **command.model_dump(), festival_date=day,
                            targets=len(targets), created_by=principal.sub, created_at=ctx.clock.now())
        await campaigns.add(tx, campaign)
        plans = [(festival_task(r["_id"], campaign_id, command.festival, command.year, policy), r, None)
                 for r in targets]
        await tasks.create_tasks(tx, plans, ctx.clock.now())
        return campaign

    return await ctx.uow.run(work)


async def progress(ctx: Visits, principal: Principal, campaign_id: str) -> CampaignProgress:
    campaign = await campaigns.authorized(ctx.db, campaign_id, principal, Access.READ)
    statuses, visit_ids = await tasks.outcome_of(ctx.db, campaign_id)
    aid = await visits.aid_totals(ctx.db, visit_ids)
    return CampaignProgress(**campaign.model_dump(), visited=statuses["completed"], open=statuses["open"],
                            overdue=statuses["overdue"], cancelled=statuses["cancelled"],
                            aid_total_cny=round(sum(aid), 2))
