"""Reactions to the registry: the resident projection, and a seeker for everyone out of work."""
from __future__ import annotations

from linli_shared.events import CloudEvent
from linli_shared.mongo import upsert_if_newer
from linli_shared.outbox import Tx

from linli_employment.handlers.inbound import ResidentState
from linli_employment.service_layer.context import Employment
from linli_employment.storage import seekers
from linli_employment.storage.indexes import RESIDENTS


async def resident_changed(ctx: Employment, event: CloudEvent, tx: Tx) -> None:
    """registered / updated / moved_out / deceased carry the whole state; the newest version wins."""
    state = ResidentState.model_validate(event.data)
    fields = state.model_dump(mode="json", exclude={"resident_id"})
    resident = await upsert_if_newer(tx.db[RESIDENTS], state.resident_id, event.aggregateversion, fields, tx.session)
    if resident is None:
        return
    await seekers.reconcile_household(tx, resident, ctx.clock.today(), ctx.rules)
