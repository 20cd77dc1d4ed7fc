"""Referrals (推荐就业): a seeker sent to a posting, with every outcome in its history."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from pymongo.asynchronous.database import AsyncDatabase

from linli_shared.auth import Access, Principal
from linli_shared.mongo import find_authorized, update_versioned
from linli_shared.orgs import prefix_regex
from linli_shared.outbox import Tx

from linli_employment.storage.documents import Stored
from linli_employment.storage.indexes import REFERRALS

FINAL = {"hired", "rejected", "declined", "no_show"}


class Step(BaseModel):
    status: str
    at: datetime
    by: str
    note: str | None = None


class Referral(Stored):
    UNWRITTEN_WHEN_NONE = frozenset({"placement_id"})

    seeker_id: str
    resident_id: str
    job_id: str
    community_code: str
    job_community: str
    status: str
    priority_groups: list[str]
    interview_at: datetime | None = None
    referred_by: str
    referred_on: str  # ISO day
    version: int
    history: list[Step]
    placement_id: str | None = None


async def open_exists(tx: Tx, seeker_id: str, job_id: str) -> bool:
    return await tx.db[REFERRALS].find_one({"seeker_id": seeker_id, "job_id": job_id,
                                            "status": {"$nin": list(FINAL)}}, session=tx.session) is not None


async def insert(tx: Tx, referral: Referral) -> None:
    await tx.db[REFERRALS].insert_one(referral.doc(), session=tx.session)


async def load(db: AsyncDatabase, principal: Principal, referral_id: str, access: Access) -> Referral:
    return Referral.model_validate(await find_authorized(db[REFERRALS], referral_id, principal, access, "referral",
                                                         "referral.not_found"))


async def record(tx: Tx, referral: Referral, step: Step, placement_id: str | None) -> Referral:
    """The outcome `step`, only if the referral is still as read (412 otherwise)."""
    changes: dict[str, Any] = {"status": step.status, **({"placement_id": placement_id} if placement_id else {})}
    return Referral.model_validate(await update_versioned(
        tx.db[REFERRALS], referral.id, referral.version,
        {"$set": changes, "$push": {"history": step.model_dump()}}, tx.session, "referral.not_found",
        what="referral"))


async def referred_in(db: AsyncDatabase, org: str, window: dict[str, str],
                      fields: dict[str, int]) -> list[dict[str, Any]]:
    """The `fields` of every referral under `org` whose referred_on falls in `window` (figures, not records)."""
    return await db[REFERRALS].find({"community_code": prefix_regex(org), "referred_on": window},
                                      fields).to_list()
