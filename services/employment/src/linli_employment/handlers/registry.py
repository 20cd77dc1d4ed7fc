"""Reactions to the registry: the resident projection, and a seeker for everyone out of work."""
from __future__ import annotations

from linli_shared.events import CloudEvent
from linli_shared.mongo import upsert_many_if_newer
from linli_shared.outbox import Tx

from linli_employment.handlers.inbound import ResidentState
from linli_employment.service_layer.context import Employment
from linli_employment.storage import seekers
from linli_employment.storage.indexes import RESIDENTS


async def residents_changed(ctx: Employment, events: list[CloudEvent], tx: Tx) -> None:
    """registered / updated / moved_out / deceased carry the whole state; the newest version wins.

    Each household with a changed member is reconciled once, from the projection as the run left it.
    """
    states = [ResidentState.model_validate(event.data) for event in events]
    changed = await upsert_many_if_newer(tx.db[RESIDENTS], [
        (state.resident_id, event.aggregateversion, state.model_dump(mode="json", exclude={"resident_id"}))
        for state, event in zip(states, events, strict=True)], tx.session)
    households = {resident.get("household_id") or resident["_id"]: resident for resident in changed}
    for resident in households.values():
        await seekers.reconcile_household(tx, resident, ctx.clock.today(), ctx.rules)
