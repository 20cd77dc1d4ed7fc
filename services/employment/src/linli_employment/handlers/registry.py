"""Reactions to the registry: the resident projection, and a seeker for everyone out of work."""
from __future__ import annotations

from linli_shared.events import CloudEvent
from linli_shared.outbox import Tx

from linli_employment.handlers.inbound import ResidentState
from linli_employment.service_layer.context import Employment
from linli_employment.storage import residents, seekers


async def residents_changed(ctx: Employment, events: list[CloudEvent], tx: Tx) -> None:
    """registered / updated / moved_out / deceased carry the whole state; the newest version wins.

    Each household with a changed member is reconciled once, from the projection as the run left it.
    """
    changed = await residents.apply(tx, [(ResidentState.model_validate(event.data), event.aggregateversion)
                                         for event in events])
    households = {resident.household_id or resident.id: resident for resident in changed}
    await seekers.reconcile_households(tx, list(households.values()), ctx.clock.today(), ctx.rules)
