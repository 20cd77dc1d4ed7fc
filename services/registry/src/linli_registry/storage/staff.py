"""The staff directory: who works for which org, listed by org (its sub-orgs' staff included)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from linli_shared.orgs import prefix_regex
from linli_shared.outbox import Tx
from linli_shared.pagination import page_by_id

from linli_registry.domain.vocabulary import StaffRole
from linli_registry.storage.indexes import STAFF


class StaffMember(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    id: str = Field(alias="_id")
    org_code: str
    name: str
    phone: str | None = None
    email: str | None = None
    role: StaffRole
    wecom_userid: str | None = None
    active: bool = True
    version: int = 1
    created_at: datetime | None = None


async def add(tx: Tx, member: StaffMember) -> None:
    await tx.db[STAFF].insert_one(member.model_dump(by_alias=True), session=tx.session)


async def page_under(db: Any, org_code: str, limit: int, cursor: str | None) -> tuple[list[StaffMember], str | None]:
    docs, next_cursor = await page_by_id(db[STAFF], {"org_code": prefix_regex(org_code)}, limit, cursor)
    return [StaffMember.model_validate(d) for d in docs], next_cursor
