"""The staff directory visits keeps from the registry's events: who may be named as a visitor or assignee."""
from __future__ import annotations

from typing import Any

from linli_shared.mongo import upsert_if_newer
from linli_shared.outbox import Tx

from linli_visits.storage.indexes import STAFF


async def staff_member(db: Any, staff_id: str) -> dict[str, Any] | None:
    return await db[STAFF].find_one({"_id": staff_id})


async def apply(tx: Tx, staff_id: str, version: int, fields: dict[str, Any]) -> None:
    await upsert_if_newer(tx.db[STAFF], staff_id, version, fields, tx.session)
