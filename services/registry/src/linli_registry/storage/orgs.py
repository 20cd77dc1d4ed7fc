"""The org tree: one document per district, street, community or grid, keyed by its code."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from linli_shared.orgs import prefix_regex
from linli_shared.outbox import Tx

from linli_registry.domain.orgs import OrgLevel
from linli_registry.storage.indexes import ORGS


class Org(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    code: str = Field(alias="_id")
    name: str
    level: OrgLevel
    parent: str | None
    version: int
    updated_at: datetime | None = None


async def get(db: Any, code: str, session: Any = None) -> Org | None:
    doc = await db[ORGS].find_one({"_id": code}, session=session)
    return None if doc is None else Org.model_validate(doc)


async def children(db: Any, code: str) -> list[Org]:
    return [Org.model_validate(d) for d in await db[ORGS].find({"parent": code}).sort("_id", 1).to_list()]


async def breakdown_of(db: Any, code: str) -> list[Org]:
    """An org's streets or communities (its grids are not counted apart), by code."""
    return [Org.model_validate(d) for d in await db[ORGS].find({"parent": code, "level": {"$ne": "grid"}})
            .sort("_id", 1).to_list()]


async def community_codes(db: Any, prefix: str | None = None) -> list[str]:
    """The codes of every community, or of those under `prefix` (only the codes are read)."""
    query: dict[str, Any] = {"level": "community"}
    if prefix is not None:
        query["_id"] = prefix_regex(prefix)
    return [o["_id"] for o in await db[ORGS].find(query, {"_id": 1}).to_list()]


async def grids_of(db: Any, community: str) -> frozenset[str]:
    """The codes of a community's grids (only the codes are read)."""
    return frozenset(o["_id"] for o in await db[ORGS].find({"parent": community, "level": "grid"},
                                                            {"_id": 1}).to_list())


async def save(tx: Tx, org: Org) -> None:
    await tx.db[ORGS].replace_one({"_id": org.code}, org.model_dump(by_alias=True), upsert=True, session=tx.session)
