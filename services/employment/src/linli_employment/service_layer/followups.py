"""Placement follow-ups: 回访 at 30 days, retention checks at 90 and 180, each announced once."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from linli_shared.logging import get_logger
from linli_shared.outbox import Tx

from linli_employment.domain.referrals import FOLLOW_UP_DAYS, due_follow_ups
from linli_employment.events import PlacementFollowupDue
from linli_employment.service_layer.context import Employment
from linli_employment.storage.indexes import PLACEMENTS

log = get_logger()


async def announce_due(ctx: Employment) -> int:
    """Publish `placement.followup_due` for every check whose day has come; the guard makes it once per check."""
    today = ctx.clock.today()
    placements = await ctx.db[PLACEMENTS].find({"follow_ups_pending": {"$ne": []}}).to_list()
    announced = 0
    for placement in placements:
        days = due_follow_ups(date.fromisoformat(placement["start_date"]), placement["follow_ups_done"], today)
        for day in days:
            announced += await ctx.uow.run(lambda tx, p=placement, d=day: _announce(tx, p, d))
    if announced:
        log.info("employment.followups_due", announced=announced)
    return announced


async def _announce(tx: Tx, placement: dict[str, Any], day: int) -> int:
    result = await tx.db[PLACEMENTS].update_one(
        {"_id": placement["_id"], "follow_ups_done": {"$ne": day}},
        {"$push": {"follow_ups_done": day}, "$pull": {"follow_ups_pending": day}}, session=tx.session)
    if not result.modified_count:
        return 0  # another run announced it first
    start = date.fromisoformat(placement["start_date"])
    tx.emit(PlacementFollowupDue(placement_id=placement["_id"], resident_id=placement["resident_id"],
                                 seeker_id=placement["seeker_id"], community_code=placement["community_code"],
                                 start_date=start, due_date=start + timedelta(days=day), check_day=day,
                                 referred_by=placement["referred_by"]),
            subject=placement["_id"], community=placement["community_code"],
            aggregate_version=2 + FOLLOW_UP_DAYS.index(day))  # placement.started was version 1
    return 1
