"""Needs (诉求) a visit found: open until someone resolves them, once."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from linli_shared.auth import Access, Principal
from linli_shared.mongo import find_authorized
from linli_shared.outbox import Tx
from linli_shared.pagination import page_by_id

from linli_visits.domain.needs import NeedFields
from linli_visits.storage.indexes import NEEDS
from linli_visits.storage.stored import Stored


class Need(Stored, NeedFields):
    status: Literal["open", "resolved"]
    reported_at: datetime
    resolution: str | None = None
    resolved_by: str | None = None
    resolved_at: datetime | None = None


async def add(tx: Tx, need: Need) -> None:
    await tx.db[NEEDS].insert_one(need.document(), session=tx.session)


async def authorized(db: Any, need_id: str, principal: Principal, access: Access) -> Need:
    return Need.model_validate(await find_authorized(db[NEEDS], need_id, principal, access, "need",
                                                     "need.not_found"))


async def resolve(tx: Tx, need: Need, resolution: str, by: str, now: datetime) -> Need | None:
    """Resolve an open need; None if it was resolved already (the status guard makes it once)."""
    changes = {"status": "resolved", "resolution": resolution, "resolved_by": by, "resolved_at": now}
    result = await tx.db[NEEDS].update_one({"_id": need.id, "status": "open"}, {"$set": changes},
                                           session=tx.session)
    return need.model_copy(update=changes) if result.modified_count else None


async def page_of_community(db: Any, community: str, limit: int, cursor: str | None, status: str | None = None,
                            urgent: bool | None = None) -> tuple[list[Need], str | None]:
    query = {"community_code": community, **({"status": status} if status else {}),
             **({"urgent": urgent} if urgent is not None else {})}
    docs, next_cursor = await page_by_id(db[NEEDS], query, limit, cursor)
    return [Need.model_validate(d) for d in docs], next_cursor
