"""Households (户) and their minimum living allowance (低保) periods."""
from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from linli_shared.auth import Access, Principal
from linli_shared.errors import Problem, invalid
from linli_shared.mongo import find_authorized
from linli_shared.outbox import Tx

from linli_registry.api.schemas import HouseholdIn, LowIncomeIn
from linli_registry.domain.audit import changes_between, new_entry
from linli_registry.domain.orgs import is_grid_of
from linli_registry.events import HouseholdRegistered, HouseholdState, HouseholdUpdated
from linli_registry.service_layer import audit
from linli_registry.service_layer.context import Registry, existing_community
from linli_registry.storage.indexes import HOUSEHOLDS, ORGS


def current_low_income(doc: dict[str, Any]) -> dict[str, Any] | None:
    periods = doc.get("low_income_periods", [])
    return periods[-1] if periods and not periods[-1].get("end") else None


def household_state(doc: dict[str, Any]) -> dict[str, Any]:
    period = current_low_income(doc)
    return dict(household_id=doc["_id"], community_code=doc["community_code"], address=doc["address"],
                grid=doc.get("grid"), housing=doc.get("housing"), low_income=period is not None,
                low_income_since=period["start"] if period else None,
                low_income_monthly_cny=period["monthly_amount_cny"] if period else None)


def _emit(tx: Tx, doc: dict[str, Any], event: type[HouseholdState]) -> None:
    tx.emit(event(**household_state(doc)), subject=doc["_id"], community=doc["community_code"],
            aggregate_version=doc["version"])


async def register_household(reg: Registry, principal: Principal, community: str, body: HouseholdIn) -> dict:
    principal.authorize(community, Access.WRITE)

    async def work(tx: Tx) -> dict[str, Any]:
        await existing_community(tx.db, community, tx.session)
        if body.grid is not None:
            await _check_grid(tx, community, body.grid)
        doc = {"_id": str(uuid.uuid4()), "community_code": community, "address": body.address.model_dump(),
               "housing": body.housing, "grid": body.grid, "low_income_periods": [], "version": 1,
               "created_at": datetime.now(UTC)}
        await tx.db[HOUSEHOLDS].insert_one(doc, session=tx.session)
        _emit(tx, doc, HouseholdRegistered)
        await audit.record(tx, new_entry(principal.sub, "household.registered", community, household_id=doc["_id"],
                                         detail={"address": doc["address"], "grid": doc["grid"]}))
        return doc

    return await reg.uow.run(work)


async def _check_grid(tx: Tx, community: str, grid: str) -> None:
    if not is_grid_of(grid, community):
        raise invalid("household.grid.other_community", f"grid {grid} is not a grid of community {community}",
                      ["body", "grid"])
    if not await tx.db[ORGS].find_one({"_id": grid}, session=tx.session):
        raise invalid("household.grid.unknown", f"grid {grid} is not registered", ["body", "grid"])


async def load_household(reg: Registry, principal: Principal, household_id: str, access: Access) -> dict:
    return await find_authorized(reg.db[HOUSEHOLDS], household_id, principal, access, "household",
                                 "household.not_found")


async def start_low_income(reg: Registry, principal: Principal, household_id: str, body: LowIncomeIn) -> dict:
    """Start the allowance, or change its amount from `since` (the seeds: 150 → 182 元/月)."""
    await load_household(reg, principal, household_id, Access.WRITE)
    if body.since > reg.today():
        raise invalid("household.low_income.since_future", f"since {body.since} is in the future", ["body", "since"])

    async def work(tx: Tx) -> dict[str, Any]:
        doc = await tx.db[HOUSEHOLDS].find_one({"_id": household_id}, session=tx.session)
        periods = doc.get("low_income_periods", [])
        since = body.since.isoformat()
        if periods and since < (periods[-1].get("end") or periods[-1]["start"]):
            raise invalid("household.low_income.overlaps",
                          f"since {since} is before the current or last period's start or end", ["body", "since"])
        current = current_low_income(doc)
        if current and current["start"] == since:
            periods = [*periods[:-1], {**current, "monthly_amount_cny": body.monthly_amount_cny}]
        else:
            if current:
                periods = [*periods[:-1], {**current, "end": since}]
            periods = [*periods, {"start": since, "end": None, "monthly_amount_cny": body.monthly_amount_cny}]
        return await _save_periods(tx, principal, doc, periods)

    return await reg.uow.run(work)


async def end_low_income(reg: Registry, principal: Principal, household_id: str, ended_on: date | None) -> dict:
    await load_household(reg, principal, household_id, Access.WRITE)
    ended = ended_on or reg.today()

    async def work(tx: Tx) -> dict[str, Any]:
        doc = await tx.db[HOUSEHOLDS].find_one({"_id": household_id}, session=tx.session)
        current = current_low_income(doc)
        if current is None:
            raise Problem(409, "household.low_income.not_active", "this household has no active allowance to end")
        if ended.isoformat() < current["start"]:
            raise invalid("household.low_income.end_before_start",
                          f"ended_on {ended} is before the allowance started ({current['start']})",
                          ["query", "ended_on"])
        periods = [*doc["low_income_periods"][:-1], {**current, "end": ended.isoformat()}]
        return await _save_periods(tx, principal, doc, periods)

    return await reg.uow.run(work)


async def _save_periods(tx: Tx, principal: Principal, doc: dict[str, Any], periods: list[dict]) -> dict[str, Any]:
    before, doc = doc, {**doc, "low_income_periods": periods, "version": doc["version"] + 1}
    await tx.db[HOUSEHOLDS].replace_one({"_id": doc["_id"]}, doc, session=tx.session)
    _emit(tx, doc, HouseholdUpdated)
    await audit.record(tx, new_entry(principal.sub, "household.changed", doc["community_code"],
                                     household_id=doc["_id"],
                                     changes=changes_between(before, doc, ["low_income_periods"])))
    return doc
