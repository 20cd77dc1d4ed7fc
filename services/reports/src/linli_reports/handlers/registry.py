"""Reactions to the registry: keep residents, households and the org tree."""
from __future__ import annotations

from linli_shared.events import CloudEvent
from linli_shared.outbox import Tx

from linli_reports.handlers.inbound import RESIDENT_FIELDS, HouseholdState, Org, ResidentState
from linli_reports.service_layer.context import Reports
from linli_reports.storage import projection
from linli_reports.storage.projection import advance_watermark


async def residents_changed(ctx: Reports, events: list[CloudEvent], tx: Tx) -> None:
    """registered / updated / moved_out / deceased all carry the whole state; the newest version wins."""
    states = [ResidentState.model_validate(event.data) for event in events]
    await projection.keep_residents(tx, [
        (state.resident_id, event.aggregateversion, state.model_dump(mode="json", include=RESIDENT_FIELDS))
        for state, event in zip(states, events, strict=True)])
    await advance_watermark(tx, "registry", max(event.time for event in events))


async def households_changed(ctx: Reports, events: list[CloudEvent], tx: Tx) -> None:
    states = [HouseholdState.model_validate(event.data) for event in events]
    await projection.keep_households(tx, [
        (state.household_id, event.aggregateversion, _household_fields(state))
        for state, event in zip(states, events, strict=True)])
    await advance_watermark(tx, "registry", max(event.time for event in events))


def _household_fields(state: HouseholdState) -> dict:
    return {"community_code": state.community_code, "address": state.address, "grid": state.grid,
            "low_income_periods": state.low_income_periods()}


async def org_upserted(ctx: Reports, event: CloudEvent, tx: Tx) -> None:
    org = Org.model_validate(event.data)
    await projection.keep_org(tx, org.code, event.aggregateversion,
                              {"name": org.name, "level": org.level, "parent": org.parent})
