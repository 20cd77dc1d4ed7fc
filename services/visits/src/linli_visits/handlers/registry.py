"""Reactions to the registry: keep the resident projection, plan tasks, cancel what no longer applies."""
from __future__ import annotations

from linli_shared.events import CloudEvent
from linli_shared.mongo import upsert_if_newer, upsert_many_if_newer
from linli_shared.outbox import Tx

from linli_visits.handlers.inbound import HouseholdState, LifeEvent, ResidentState, Staff
from linli_visits.service_layer import planning
from linli_visits.service_layer.context import Visits
from linli_visits.storage.indexes import HOUSEHOLDS, LIFE_EVENTS, RESIDENTS, STAFF


async def residents_changed(ctx: Visits, events: list[CloudEvent], tx: Tx) -> None:
    """registered / updated / moved_out / deceased all carry the whole state; the newest version wins.

    Each changed resident is planned from the projection as the whole run left it: a household's
    members registered together are all known when the first of them is planned.
    """
    states = [ResidentState.model_validate(event.data) for event in events]
    changed = await upsert_many_if_newer(tx.db[RESIDENTS], [
        (state.resident_id, event.aggregateversion, state.model_dump(mode="json", exclude={"resident_id"}))
        for state, event in zip(states, events, strict=True)], tx.session,
        on_insert={"known_since": ctx.clock.today().isoformat()})
    for resident in changed:  # a stale or repeated state changed nothing and plans nothing
        if resident["status"] != "active":
            await planning.cancel_pending(ctx, tx, resident["_id"], why=resident["status"])
    active = [resident for resident in changed if resident["status"] == "active"]
    if active:
        await planning.plan_residents(ctx, tx, active)
        await planning.apply_life_events(ctx, tx, active)


async def households_changed(ctx: Visits, events: list[CloudEvent], tx: Tx) -> None:
    states = [HouseholdState.model_validate(event.data) for event in events]
    await upsert_many_if_newer(tx.db[HOUSEHOLDS], [
        (state.household_id, event.aggregateversion, _household_fields(state))
        for state, event in zip(states, events, strict=True)], tx.session)


def _household_fields(state: HouseholdState) -> dict:
    periods = [{"start": state.low_income_since.isoformat(), "end": None}] if state.low_income and \
        state.low_income_since else []
    return {"community_code": state.community_code, "address": state.address, "grid": state.grid,
            "low_income_periods": periods}


async def life_event_recorded(ctx: Visits, event: CloudEvent, tx: Tx) -> None:
    """Park the life event; it becomes a mandatory task as soon as we know the resident (maybe already)."""
    life = LifeEvent.model_validate(event.data)
    if await tx.db[LIFE_EVENTS].find_one({"_id": life.life_event_id}, {"_id": 1}, session=tx.session):
        return
    await tx.db[LIFE_EVENTS].insert_one({"_id": life.life_event_id, "resident_id": life.resident_id,
                                         "community_code": life.community_code, "kind": life.kind,
                                         "date": life.date.isoformat(), "processed": False}, session=tx.session)
    resident = await tx.db[RESIDENTS].find_one({"_id": life.resident_id}, session=tx.session)
    if resident and resident.get("status") == "active":
        await planning.apply_life_events(ctx, tx, [resident])


async def staff_changed(ctx: Visits, event: CloudEvent, tx: Tx) -> None:
    staff = Staff.model_validate(event.data)
    await upsert_if_newer(tx.db[STAFF], staff.staff_id, event.aggregateversion,
                          staff.model_dump(mode="json", exclude={"staff_id"}), tx.session)
