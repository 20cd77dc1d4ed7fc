"""Placement follow-ups: 回访 at 30 days, retention checks at 90 and 180, each announced once."""
from __future__ import annotations

from datetime import timedelta

from linli_shared.logging import get_logger
from linli_shared.outbox import Tx

from linli_employment.domain.referrals import FOLLOW_UP_DAYS, due_follow_ups
from linli_employment.events import PlacementFollowupDue
from linli_employment.service_layer.context import Employment
from linli_employment.storage import placements
from linli_employment.storage.placements import Placement

log = get_logger()


async def announce_due(ctx: Employment) -> int:
    """Publish `placement.followup_due` for every check whose day has come; the guard makes it once per check."""
    today = ctx.clock.today()
    announced = 0
    for placement in await placements.with_follow_ups_pending(ctx.db):
        for day in due_follow_ups(placement.start_date, placement.follow_ups_done, today):
            announced += await ctx.uow.run(lambda tx, p=placement, d=day: _announce(tx, p, d))
    if announced:
        log.info("employment.followups_due", announced=announced)
    return announced


async def _announce(tx: Tx, placement: Placement, day: int) -> int:
    if not await placements.mark_announced(tx, placement, day):
        return 0  # another run announced it first
    start = placement.start_date
    tx.emit(PlacementFollowupDue(placement_id=placement.id, resident_id=placement.resident_id,
                                 seeker_id=placement.seeker_id, community_code=placement.community_code,
                                 start_date=start, due_date=start + timedelta(days=day), check_day=day,
                                 referred_by=placement.referred_by),
            subject=placement.id, community=placement.community_code,
            aggregate_version=2 + FOLLOW_UP_DAYS.index(day))  # placement.started was version 1
    return 1
