"""Household routes."""
from __future__ import annotations

from datetime import date

from fastapi import APIRouter

from linli_shared.auth import Access, CurrentPrincipal
from linli_shared.orgs import OrgCode

from linli_registry.api.deps import RegistryDep
from linli_registry.api.schemas import HouseholdIn, HouseholdOut, LowIncomeIn, LowIncomePeriodOut
from linli_registry.service_layer import households

router = APIRouter(prefix="/v1", tags=["households"])


def household_out(doc: dict) -> HouseholdOut:
    current = households.current_low_income(doc)
    return HouseholdOut(id=doc["_id"], community_code=doc["community_code"], address=doc["address"],
                        housing=doc.get("housing"), grid=doc.get("grid"),
                        low_income=LowIncomePeriodOut(**current) if current else None,
                        low_income_history=[LowIncomePeriodOut(**p) for p in doc.get("low_income_periods", [])],
                        version=doc["version"])


@router.post("/communities/{code}/households", response_model=HouseholdOut, status_code=201)
async def post_household(code: OrgCode, body: HouseholdIn, reg: RegistryDep,
                         principal: CurrentPrincipal) -> HouseholdOut:
    return household_out(await households.register_household(reg, principal, code, body))


@router.get("/households/{household_id}", response_model=HouseholdOut)
async def get_household(household_id: str, reg: RegistryDep, principal: CurrentPrincipal) -> HouseholdOut:
    return household_out(await households.load_household(reg, principal, household_id, Access.READ))


@router.put("/households/{household_id}/low-income", response_model=HouseholdOut)
async def put_low_income(household_id: str, body: LowIncomeIn, reg: RegistryDep,
                         principal: CurrentPrincipal) -> HouseholdOut:
    return household_out(await households.start_low_income(reg, principal, household_id, body))


@router.delete("/households/{household_id}/low-income", response_model=HouseholdOut)
async def delete_low_income(household_id: str, reg: RegistryDep, principal: CurrentPrincipal,
                            ended_on: date | None = None) -> HouseholdOut:
    return household_out(await households.end_low_income(reg, principal, household_id, ended_on))
