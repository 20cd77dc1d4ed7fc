"""Visit tasks as notify keeps them (from the visits service's events), for the morning digest."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from linli_shared.mongo import upsert_many_if_newer
from linli_shared.outbox import Tx

from linli_notify.storage.indexes import TASKS

PENDING = ("open", "overdue")


class KeptTask(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore", frozen=True)

    id: str = Field(alias="_id")
    community_code: str
    resident_name: str
    reason: str
    due_by: str  # ISO date
    status: str
    assignee: str | None = None


async def keep(tx: Tx, states: list[tuple[str, int, dict[str, Any]]]) -> None:
    """A run of (task id, aggregate version, facts): the newest version wins; a task first seen is open."""
    await upsert_many_if_newer(tx.db[TASKS], states, tx.session, on_insert={"status": "open"})


async def pending(db: Any) -> list[KeptTask]:
    """Every open or overdue task, soonest due first."""
    docs = await db[TASKS].find({"status": {"$in": list(PENDING)}}).sort("due_by", 1).to_list()
    return [KeptTask.model_validate(d) for d in docs]
