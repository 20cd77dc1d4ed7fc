"""Outside subscribers: where to POST, which event types, which data classes, and the signing secret."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from linli_shared.outbox import Tx

from linli_notify.storage.indexes import WEBHOOKS


class Webhook(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    id: str = Field(alias="_id")
    org_code: str
    url: str
    event_types: list[str]
    data_classes: list[str] = []
    secret: str | None = None  # not read back where it is not needed
    active: bool = True
    created_by: str | None = None
    created_at: datetime | None = None  # hooks stored before it was recorded have none
    deleted_at: datetime | None = None


async def insert(db: Any, hook: Webhook) -> None:
    await db[WEBHOOKS].insert_one(hook.model_dump(by_alias=True, exclude={"deleted_at"}))


async def active_in(db: Any, scope: dict[str, Any]) -> list[Webhook]:
    """The active webhooks matching `scope` (the caller's org filter), without their secrets."""
    docs = await db[WEBHOOKS].find({"active": True, **scope}, {"secret": 0}).sort("_id", 1).to_list()
    return [Webhook.model_validate(d) for d in docs]


async def active(db: Any, webhook_id: str) -> Webhook | None:
    doc = await db[WEBHOOKS].find_one({"_id": webhook_id, "active": True})
    return None if doc is None else Webhook.model_validate(doc)


async def deactivate(db: Any, webhook_id: str, now: datetime) -> None:
    """Kept (inactive) so the delivery log still names it; its pending deliveries fail as webhook.gone."""
    await db[WEBHOOKS].update_one({"_id": webhook_id}, {"$set": {"active": False, "deleted_at": now}})


async def subscribed(tx: Tx, event_types: set[str]) -> list[Webhook]:
    """The active webhooks subscribed to any of these event types."""
    docs = await tx.db[WEBHOOKS].find({"event_types": {"$in": sorted(event_types)}, "active": True},
                                      session=tx.session).to_list()
    return [Webhook.model_validate(d) for d in docs]


async def secrets_of(db: Any, webhook_ids: set[str]) -> dict[str, str]:
    """The signing secret of each of these webhooks still active; a deleted one has none."""
    docs = await db[WEBHOOKS].find({"_id": {"$in": sorted(webhook_ids)}, "active": True}, {"secret": 1}).to_list()
    return {doc["_id"]: doc["secret"] for doc in docs}
