"""Festival campaigns: one per community, festival and year."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from linli_shared.auth import Access, Principal
from linli_shared.mongo import find_authorized
from linli_shared.outbox import Tx

from linli_visits.domain.calendar import Festival
from linli_visits.domain.commands import Aid
from linli_visits.storage.indexes import CAMPAIGNS
from linli_visits.storage.stored import Day, Stored


class Campaign(Stored):
    community_code: str
    festival: Festival
    year: int
    target_groups: list[str]
    name: str | None
    aid_plan: Aid | None
    festival_date: Day
    targets: int  # residents selected
    created_by: str
    created_at: datetime


async def exists(tx: Tx, community: str, festival: str, year: int) -> bool:
    return await tx.db[CAMPAIGNS].find_one({"community_code": community, "festival": festival, "year": year},
                                           session=tx.session) is not None


async def add(tx: Tx, campaign: Campaign) -> None:
    await tx.db[CAMPAIGNS].insert_one(campaign.document(), session=tx.session)


async def authorized(db: Any, campaign_id: str, principal: Principal, access: Access) -> Campaign:
    return Campaign.model_validate(await find_authorized(db[CAMPAIGNS], campaign_id, principal, access, "campaign",
                                                         "campaign.not_found"))
