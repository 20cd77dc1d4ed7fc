"""Households (户) and their minimum living allowance (低保) periods: the one module that spells the collection."""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from linli_shared.auth import Access, Principal
from linli_shared.mongo import find_authorized, update_versioned
from linli_shared.outbox import Tx
from linli_shared.store_shapes import find_in

from linli_registry.storage.indexes import HOUSEHOLDS
from linli_registry.storage.residents import Stored


class LowIncomePeriod(BaseModel):
    start: str  # ISO, as stored
    end: str | None = None  # exclusive; None while running
    monthly_amount_cny: float


class Household(Stored):
    community_code: str
    address: dict[str, Any]
    housing: str | None = None
    grid: str | None = None
    low_income_periods: list[LowIncomePeriod] = []
    version: int
    created_at: datetime | None = None

    def current_low_income(self) -> LowIncomePeriod | None:
        periods = self.low_income_periods
        return periods[-1] if periods and not periods[-1].end else None


async def find_authorized_household(db: Any, principal: Principal, household_id: str, access: Access) -> Household:
    """404 `household.not_found` if missing, 403 unless the principal may `access` its community."""
    return Household.model_validate(await find_authorized(db[HOUSEHOLDS], household_id, principal, access,
                                                          "household", "household.not_found"))


async def get(tx: Tx, household_id: str) -> Household | None:
    doc = await tx.db[HOUSEHOLDS].find_one({"_id": household_id}, session=tx.session)
    return None if doc is None else Household.model_validate(doc)


def insert(tx: Tx, household: Household) -> None:
    tx.insert_at_commit(HOUSEHOLDS, household.stored())  # with the transaction's events


async def save_periods(tx: Tx, household: Household, periods: list[LowIncomePeriod]) -> Household:
    """The allowance history as the caller decided it on the version it read; the version moves on by one."""
    stored = [p.model_dump() for p in periods]
    return Household.model_validate(await update_versioned(
        tx.db[HOUSEHOLDS], household.id, household.version, {"$set": {"low_income_periods": stored}}, tx.session,
        "household.not_found", what="household"))


async def by_ids(db: Any, household_ids: list[str], session: Any = None) -> dict[str, dict[str, Any]]:
    """Households by id, as stored (the group rules and the events read them as facts)."""
    if not household_ids:
        return {}
    return {h["_id"]: h for h in await db[HOUSEHOLDS].find({"_id": {"$in": household_ids}}, session=session).to_list()}


async def ids_in_grid(db: Any, community: str, grid: str) -> list[str]:
    return [h["_id"] for h in await db[HOUSEHOLDS].find({"community_code": community, "grid": grid},
                                                        {"_id": 1}).to_list()]


async def addresses_matching(db: Any, community: str, parts: dict[str, str], estate: str | None,
                             cap: int) -> dict[str, dict[str, Any]]:
    """Each household id → its address, for those at the given building/unit/room and within the estate's name."""
    match: dict[str, Any] = {"community_code": community, **{f"address.{k}": v for k, v in parts.items()}}
    if estate:
        match["address.estate"] = {"$regex": re.escape(estate)}
    households = await db[HOUSEHOLDS].find(match, {"address": 1}).limit(cap).to_list()
    return {h["_id"]: h.get("address") or {} for h in households}


# A ledger import reads and writes a batch of households at once: one command per collection, not one per row.
async def in_community(tx: Tx, community: str, household_ids: list[str]) -> list[Household]:
    docs = await find_in(tx.db[HOUSEHOLDS], "_id", household_ids, {"community_code": community}, session=tx.session)
    return [Household.model_validate(d) for d in docs]


async def insert_many(tx: Tx, households: list[Household]) -> None:
    if households:
        await tx.db[HOUSEHOLDS].insert_many([h.stored() for h in households], session=tx.session)


async def replace(tx: Tx, household: Household) -> None:
    """The whole household as the caller decided it (the ledger import, inside its batch's transaction)."""
    await tx.db[HOUSEHOLDS].replace_one({"_id": household.id}, household.stored(), session=tx.session)


async def all_of_community(db: Any, community: str) -> dict[str, dict[str, Any]]:
    """Every household of a community by id, as stored (the ledger export writes them as they are)."""
    return {h["_id"]: h for h in await db[HOUSEHOLDS].find({"community_code": community}).to_list()}
