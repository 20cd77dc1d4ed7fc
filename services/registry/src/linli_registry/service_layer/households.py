"""Households (户) and their minimum living allowance (低保) periods."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from linli_shared.auth import Access, Principal
from linli_shared.errors import Problem, invalid
from linli_shared.outbox import Tx

from linli_registry.domain.audit import changes_between, new_entry
from linli_registry.domain.commands import EndLowIncome, RegisterHousehold, StartLowIncome
from linli_registry.domain.orgs import is_grid_of
from linli_registry.events import HouseholdRegistered, HouseholdState, HouseholdUpdated
from linli_registry.service_layer import audit
from linli_registry.service_layer.context import RegistryContext, known_community
from linli_registry.storage import households as store
from linli_registry.storage import orgs
from linli_registry.storage.households import Household, LowIncomePeriod


def current_low_income(doc: dict[str, Any]) -> dict[str, Any] | None:
    """The running period of a stored household (the ledger import and export read stored documents)."""
    periods = doc.get("low_income_periods", [])
    return periods[-1] if periods and not periods[-1].get("end") else None


def household_state(household: Household | dict[str, Any]) -> dict[str, Any]:
    """What every household event carries: its address and today's allowance."""
    if isinstance(household, dict):  # the ledger import still holds stored documents
        household = Household.model_validate(household)
    period = household.current_low_income()
    return dict(household_id=household.id, community_code=household.community_code, address=household.address,
                grid=household.grid, housing=household.housing, low_income=period is not None,
                low_income_since=period.start if period else None,
                low_income_monthly_cny=period.monthly_amount_cny if period else None)


def _emit(tx: Tx, household: Household, event: type[HouseholdState]) -> None:
    tx.emit(event(**household_state(household)), subject=household.id, community=household.community_code,
            aggregate_version=household.version)


async def register_household(ctx: RegistryContext, principal: Principal, cmd: RegisterHousehold) -> Household:
    community = cmd.community
    principal.authorize(community, Access.WRITE)

    async def work(tx: Tx) -> Household:
        await known_community(ctx, community, tx.session)
        if cmd.grid is not None:
            await _check_grid(tx, community, cmd.grid)
        household = Household.model_validate({
            "_id": str(uuid.uuid4()), "community_code": community, "address": cmd.address, "housing": cmd.housing,
            "grid": cmd.grid, "low_income_periods": [], "version": 1, "created_at": datetime.now(UTC)})
        store.insert(tx, household)
        _emit(tx, household, HouseholdRegistered)
        await audit.record(tx, new_entry(principal.sub, "household.registered", community,
                                         household_id=household.id,
                                         detail={"address": household.address, "grid": household.grid}))
        return household

    return await ctx.uow.run(work)


async def _check_grid(tx: Tx, community: str, grid: str) -> None:
    if not is_grid_of(grid, community):
        raise invalid("household.grid.other_community", f"grid {grid} is not a grid of community {community}",
                      ["body", "grid"])
    if not await orgs.get(tx.db, grid, tx.session):
        raise invalid("household.grid.unknown", f"grid {grid} is not registered", ["body", "grid"])


async def load_household(ctx: RegistryContext, principal: Principal, household_id: str,
                         access: Access) -> Household:
    return await store.find_authorized_household(ctx.db, principal, household_id, access)


async def start_low_income(ctx: RegistryContext, principal: Principal, cmd: StartLowIncome) -> Household:
    """Start the allowance, or change its amount from `since` (the seeds: 150 → 182 元/月)."""
    await load_household(ctx, principal, cmd.household_id, Access.WRITE)
    if cmd.since > ctx.today():
        raise invalid("household.low_income.since_future", f"since {cmd.since} is in the future", ["body", "since"])

    async def work(tx: Tx) -> Household:
        household = await store.get(tx, cmd.household_id)
        periods = list(household.low_income_periods)
        since = cmd.since.isoformat()
        if periods and since < (periods[-1].end or periods[-1].start):
            raise invalid("household.low_income.overlaps",
                          f"since {since} is before the current or last period's start or end", ["body", "since"])
        current = household.current_low_income()
        if current and current.start == since:
            periods = [*periods[:-1], current.model_copy(update={"monthly_amount_cny": cmd.monthly_amount_cny})]
        else:
            if current:
                periods = [*periods[:-1], current.model_copy(update={"end": since})]
            periods = [*periods, LowIncomePeriod(start=since, end=None, monthly_amount_cny=cmd.monthly_amount_cny)]
        return await _save_periods(tx, principal, household, periods)

    return await ctx.uow.run(work)


async def end_low_income(ctx: RegistryContext, principal: Principal, cmd: EndLowIncome) -> Household:
    await load_household(ctx, principal, cmd.household_id, Access.WRITE)
    ended = cmd.ended_on or ctx.today()

    async def work(tx: Tx) -> Household:
        household = await store.get(tx, cmd.household_id)
        current = household.current_low_income()
        if current is None:
            raise Problem(409, "household.low_income.not_active", "this household has no active allowance to end")
        if ended.isoformat() < current.start:
            raise invalid("household.low_income.end_before_start",
                          f"ended_on {ended} is before the allowance started ({current.start})",
                          ["query", "ended_on"])
        periods = [*household.low_income_periods[:-1], current.model_copy(update={"end": ended.isoformat()})]
        return await _save_periods(tx, principal, household, periods)

    return await ctx.uow.run(work)


async def _save_periods(tx: Tx, principal: Principal, before: Household,
                        periods: list[LowIncomePeriod]) -> Household:
    household = await store.save_periods(tx, before, periods)
    _emit(tx, household, HouseholdUpdated)
    await audit.record(tx, new_entry(principal.sub, "household.changed", household.community_code,
                                     household_id=household.id,
                                     changes=changes_between(before.stored(), household.stored(),
                                                             ["low_income_periods"])))
    return household
