"""A resident's dated disability certificate and special-care categories: read the history, start, end."""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from linli_shared.auth import Access, Principal
from linli_shared.errors import Problem, conflict, invalid
from linli_shared.outbox import Tx

from linli_registry.domain import memberships as rules
from linli_registry.domain.commands import EndMembership, StartMembership
from linli_registry.domain.memberships import Kind, MembershipError
from linli_registry.events import ResidentUpdated
from linli_registry.service_layer import audit, residents
from linli_registry.service_layer.context import RegistryContext
from linli_registry.storage import residents as store
from linli_registry.storage.residents import Resident

# The request is fine but the resident's state forbids it: 409; everything else is the request's fault: 422.
_CONFLICTS = frozenset({"membership.already_active", "membership.not_active"})


def _problem(exc: MembershipError) -> Problem:
    if exc.code in _CONFLICTS:
        return conflict(exc.code, exc.message)
    return invalid(exc.code, exc.message, ["body", exc.field])


async def load(ctx: RegistryContext, principal: Principal, resident_id: str) -> Resident:
    return await residents.load_resident(ctx, principal, resident_id, Access.READ)


async def start(ctx: RegistryContext, principal: Principal, cmd: StartMembership) -> Resident:
    return await _change(ctx, principal, cmd.resident_id, cmd.kind, lambda periods: rules.start_membership(
        periods, cmd.kind, cmd.category, cmd.start, cmd.grade, today=ctx.today()))


async def end(ctx: RegistryContext, principal: Principal, cmd: EndMembership) -> Resident:
    return await _change(ctx, principal, cmd.resident_id, cmd.kind, lambda periods: rules.end_membership(
        periods, cmd.kind, cmd.category, cmd.end, today=ctx.today()))


async def _change(ctx: RegistryContext, principal: Principal, resident_id: str, kind: Kind,
                  step: Callable[[list[dict]], list[dict]]) -> Resident:
    await residents.load_resident(ctx, principal, resident_id, Access.WRITE)

    async def work(tx: Tx) -> Resident:
        resident = await store.get(tx, resident_id)
        if resident.status != "active":
            raise conflict("resident.inactive", f"resident is {resident.status}; their record is closed")
        before = resident.stored()
        try:
            periods = step(rules.history_of(before))
        except MembershipError as exc:
            raise _problem(exc) from exc
        # The current fields follow the periods, so every consumer of the event sees today's state.
        resident = resident.model_copy(update={"memberships": periods, **rules.current_fields(periods, ctx.today()),
                                               "version": resident.version + 1, "updated_at": datetime.now(UTC)})
        await store.replace(tx, resident)
        doc = resident.stored()
        await residents.emit_state(ctx, tx, doc, ResidentUpdated, changed=[kind])
        await audit.record_change(tx, principal, "resident.changed", residents.trail_view(before),
                                  residents.trail_view(doc), [kind])  # the trail masks the values
        return resident

    return await ctx.uow.run(work)
