"""A resident's dated disability certificate and special-care categories: read the history, start, end."""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from linli_shared.auth import Access, Principal
from linli_shared.errors import Problem, conflict, invalid
from linli_shared.outbox import Tx

from linli_registry.domain import memberships as rules
from linli_registry.domain.memberships import Kind, MembershipError
from linli_registry.events import ResidentUpdated
from linli_registry.service_layer import audit, residents
from linli_registry.service_layer.context import Registry
from linli_registry.storage.indexes import RESIDENTS

# The request is fine but the resident's state forbids it: 409; everything else is the request's fault: 422.
_CONFLICTS = frozenset({"membership.already_active", "membership.not_active"})


def _problem(exc: MembershipError) -> Problem:
    if exc.code in _CONFLICTS:
        return conflict(exc.code, exc.message)
    return invalid(exc.code, exc.message, ["body", exc.field])


async def load(reg: Registry, principal: Principal, resident_id: str) -> dict[str, Any]:
    return await residents.load_resident(reg, principal, resident_id, Access.READ)


async def start(reg: Registry, principal: Principal, resident_id: str, kind: Kind, category: str,
                start_on: date, grade: int | None = None) -> dict[str, Any]:
    return await _change(reg, principal, resident_id, kind, lambda periods: rules.start_membership(
        periods, kind, category, start_on, grade, today=reg.today()))


async def end(reg: Registry, principal: Principal, resident_id: str, kind: Kind, category: str,
              end_on: date) -> dict[str, Any]:
    return await _change(reg, principal, resident_id, kind, lambda periods: rules.end_membership(
        periods, kind, category, end_on, today=reg.today()))


async def _change(reg: Registry, principal: Principal, resident_id: str, kind: Kind,
                  step: Callable[[list[dict]], list[dict]]) -> dict[str, Any]:
    await residents.load_resident(reg, principal, resident_id, Access.WRITE)

    async def work(tx: Tx) -> dict[str, Any]:
        doc = await tx.db[RESIDENTS].find_one({"_id": resident_id}, session=tx.session)
        if doc["status"] != "active":
            raise conflict("resident.inactive", f"resident is {doc['status']}; their record is closed")
        try:
            periods = step(rules.history_of(doc))
        except MembershipError as exc:
            raise _problem(exc) from exc
        # The current fields follow the periods, so every consumer of the event sees today's state.
        before = doc
        doc = {**doc, "memberships": periods, **rules.current_fields(periods, reg.today()),
               "version": doc["version"] + 1, "updated_at": datetime.now(UTC)}
        await tx.db[RESIDENTS].replace_one({"_id": resident_id}, doc, session=tx.session)
        await residents.emit_state(reg, tx, doc, ResidentUpdated, changed=[kind])
        await audit.record_change(tx, principal, "resident.changed", residents.trail_view(before),
                                  residents.trail_view(doc), [kind])  # the trail masks the values
        return doc

    return await reg.uow.run(work)
