"""Reactions to the registry: keep the resident projection, plan tasks, cancel what no longer applies."""
from __future__ import annotations

from linli_shared.events import CloudEvent
from linli_shared.outbox import Tx

from linli_visits.handlers.inbound import RESIDENT_FIELDS, STAFF_FIELDS, HouseholdState, LifeEvent, ResidentState, Staff
from linli_visits.service_layer import planning
from linli_visits.service_layer.context import Visits
from linli_visits.storage import life_events, projection, statistics_versions
from linli_visits.storage import staff as staff_directory
from linli_visits.storage.life_events import ParkedLifeEvent


async def residents_changed(ctx: Visits, events: list[CloudEvent], tx: Tx) -> None:
    """registered / updated / moved_out / deceased all carry the whole state; the newest version wins.

    Each changed resident is planned from the projection as the whole run left it: a household's
    members registered together are all known when the first of them is planned.
    """
    states = [ResidentState.model_validate(event.data) for event in events]
    changed = await projection.apply_residents(tx, [
        (state.resident_id, event.aggregateversion, state.model_dump(mode="json", include=RESIDENT_FIELDS))
        for state, event in zip(states, events, strict=True)], known_since=ctx.clock.today().isoformat())
    await statistics_versions.bump(tx, {resident["community_code"] for resident in changed})
    for resident in changed:  # a stale or repeated state changed nothing and plans nothing
        if resident["status"] != "active":
            await planning.cancel_pending(ctx, tx, resident["_id"], why=resident["status"])
    active = [resident for resident in changed if resident["status"] == "active"]
    if active:
        await planning.plan_residents(ctx, tx, active)
        await planning.apply_life_events(ctx, tx, active)


async def households_changed(ctx: Visits, events: list[CloudEvent], tx: Tx) -> None:
    states = [HouseholdState.model_validate(event.data) for event in events]
    await projection.apply_households(tx, [
        (state.household_id, event.aggregateversion, _household_fields(state))
        for state, event in zip(states, events, strict=True)])
    await statistics_versions.bump(tx, {state.community_code for state in states})


def _household_fields(state: HouseholdState) -> dict:
    return {"community_code": state.community_code, "address": state.address, "grid": state.grid,
            "low_income_periods": state.low_income_periods()}


async def life_event_recorded(ctx: Visits, event: CloudEvent, tx: Tx) -> None:
    """Park the life event; it becomes a mandatory task as soon as we know the resident (maybe already).

    Both lanes deliver it (subscriptions.py): whichever comes first parks it, and each applies it if it is still
    unprocessed. The urgent lane may run while the bulk lane registers the same resident, each transaction blind
    to the other's; the bulk lane then meets the event after the registration, in stream order, and applies it.
    Two lanes applying it at once write the same parked event, so one of them is retried and finds it done.
    """
    life = LifeEvent.model_validate(event.data)
    parked = ParkedLifeEvent(id=life.life_event_id, resident_id=life.resident_id, community_code=life.community_code,
                             kind=life.kind, date=life.date, processed=False)
    await life_events.park(tx, parked)  # False when the other lane parked it first: apply it all the same
    resident = await projection.resident(tx, life.resident_id)
    if resident and resident.get("status") == "active":
        await planning.apply_life_events(ctx, tx, [resident])


async def staff_changed(ctx: Visits, event: CloudEvent, tx: Tx) -> None:
    staff = Staff.model_validate(event.data)
    await staff_directory.apply(tx, staff.staff_id, event.aggregateversion,
                                staff.model_dump(mode="json", include=STAFF_FIELDS))
