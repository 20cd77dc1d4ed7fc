"""Reactions to visits: every visit record, for counts and sums over a period."""
from __future__ import annotations

from linli_shared.events import CloudEvent
from linli_shared.outbox import Tx

from linli_reports.handlers.inbound import VisitRecorded
from linli_reports.service_layer.context import Reports
from linli_reports.storage.projection import KeptVisit, advance_watermark, keep_visit


async def visit_recorded(ctx: Reports, event: CloudEvent, tx: Tx) -> None:
    visit = VisitRecorded.model_validate(event.data)
    await keep_visit(tx, KeptVisit(
        id=visit.visit_id, community_code=visit.community_code, resident_id=visit.resident_id, reason=visit.reason,
        visited_at=visit.visited_at, visited_on=ctx.clock.day_of(visit.visited_at).isoformat(), met=visit.met,
        aid_total_cny=visit.aid_total_cny))
    await advance_watermark(tx, "visits", event.time)
