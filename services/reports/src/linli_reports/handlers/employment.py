"""Reactions to employment: seekers (for their priority groups), referrals and placements."""
from __future__ import annotations

from linli_shared.events import CloudEvent
from linli_shared.outbox import Tx

from linli_reports.handlers.inbound import PlacementStarted, ReferralMade, ReferralOutcome, Seeker
from linli_reports.service_layer.context import Reports
from linli_reports.storage import projection
from linli_reports.storage.projection import KeptPlacement, KeptReferral, advance_watermark


class SeekerNotYetKnown(Exception):
    """The seeker's event is still on its way: retry later (the consumer backs off, then dead-letters)."""


async def seeker_changed(ctx: Reports, event: CloudEvent, tx: Tx) -> None:
    seeker = Seeker.model_validate(event.data)
    await projection.keep_seeker(tx, seeker.seeker_id, event.aggregateversion,
                                 seeker.model_dump(mode="json", exclude={"seeker_id"}))
    await advance_watermark(tx, "employment", event.time)


async def referral_made(ctx: Reports, event: CloudEvent, tx: Tx) -> None:
    """The seeker's priority groups are fixed at referral time: a 4050 referral stays one when they turn 60."""
    referral = ReferralMade.model_validate(event.data)
    groups = await projection.priority_groups(tx, None, referral.seeker_id)
    if groups is None:
        raise SeekerNotYetKnown(referral.seeker_id)
    await projection.keep_referral(tx, KeptReferral(
        id=referral.referral_id, community_code=referral.community_code, seeker_id=referral.seeker_id,
        resident_id=referral.resident_id, job_title=referral.job_title, employer_name=referral.employer_name,
        referred_on=ctx.clock.day_of(event.time).isoformat(), priority_groups=groups))
    await advance_watermark(tx, "employment", event.time)


async def referral_outcome(ctx: Reports, event: CloudEvent, tx: Tx) -> None:
    outcome = ReferralOutcome.model_validate(event.data)
    await projection.referral_outcome(tx, outcome.referral_id, outcome.outcome)
    await advance_watermark(tx, "employment", event.time)


async def placement_started(ctx: Reports, event: CloudEvent, tx: Tx) -> None:
    placement = PlacementStarted.model_validate(event.data)
    groups = await projection.priority_groups(tx, placement.referral_id, placement.seeker_id)
    if groups is None:
        raise SeekerNotYetKnown(placement.seeker_id)
    await projection.keep_placement(tx, KeptPlacement(
        id=placement.placement_id, community_code=placement.community_code, seeker_id=placement.seeker_id,
        resident_id=placement.resident_id, referral_id=placement.referral_id, job_id=placement.job_id,
        start_date=placement.start_date.isoformat(), priority_groups=groups))
    await advance_watermark(tx, "employment", event.time)
