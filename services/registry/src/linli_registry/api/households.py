"""Household routes."""
from __future__ import annotations

from datetime import date

from fastapi import APIRouter

from linli_shared.auth import Access, CurrentPrincipal
from linli_shared.orgs import OrgCode

from linli_registry.api.deps import ContextDep
from linli_registry.api.schemas import HouseholdIn, HouseholdOut, LowIncomeIn, LowIncomePeriodOut
from linli_registry.domain.commands import EndLowIncome
from linli_registry.service_layer import households
from linli_registry.storage.households import Household

router = APIRouter(prefix="/v1", tags=["households"])


def household_out(household: Household) -> HouseholdOut:
    current = household.current_low_income()
    return HouseholdOut(id=household.id, community_code=household.community_code, address=household.address,
                        housing=household.housing, grid=household.grid,
                        low_income=LowIncomePeriodOut(**current.model_dump()) if current else None,
                        low_income_history=[LowIncomePeriodOut(**p.model_dump())
                                            for p in household.low_income_periods],
                        version=household.version)


@router.post("/communities/{code}/households", response_model=HouseholdOut, status_code=201)
async def post_household(code: OrgCode, body: HouseholdIn, ctx: ContextDep,
                         principal: CurrentPrincipal) -> HouseholdOut:
    return household_out(await households.register_household(ctx, principal, body.command(code)))


@router.get("/households/{household_id}", response_model=HouseholdOut)
async def get_household(household_id: str, ctx: ContextDep, principal: CurrentPrincipal) -> HouseholdOut:
    return household_out(await households.load_household(ctx, principal, household_id, Access.READ))


@router.put("/households/{household_id}/low-income", response_model=HouseholdOut)
async def put_low_income(household_id: str, body: LowIncomeIn, ctx: ContextDep,
                         principal: CurrentPrincipal) -> HouseholdOut:
    return household_out(await households.start_low_income(ctx, principal, body.command(household_id)))


@router.delete("/households/{household_id}/low-income", response_model=HouseholdOut)
async def delete_low_income(household_id: str, ctx: ContextDep, principal: CurrentPrincipal,
                            ended_on: date | None = None) -> HouseholdOut:
    return household_out(await households.end_low_income(ctx, principal, EndLowIncome(household_id, ended_on)))
