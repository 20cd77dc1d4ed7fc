"""Report templates: the current version of each key, and every version kept for the reports computed from it."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import ConfigDict, Field

from linli_shared.orgs import prefix_regex
from linli_shared.outbox import Tx

from linli_reports.domain.indicators import Template
from linli_reports.storage.indexes import TEMPLATE_VERSIONS, TEMPLATES


class SavedTemplate(Template):
    """A template as stored: its key is the document's `_id`; who saved this version, and when."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    key: str = Field(alias="_id")
    saved_by: str
    saved_at: datetime

    def fields(self) -> dict[str, Any]:
        """The stored fields besides `_id` (the template's own fields as JSON, the time as a date)."""
        return {"org_code": self.org_code, "version": self.version, "name": self.name,
                "indicators": [i.model_dump(mode="json") for i in self.indicators],
                "saved_by": self.saved_by, "saved_at": self.saved_at}


async def current(tx: Tx, key: str) -> SavedTemplate | None:
    doc = await tx.db[TEMPLATES].find_one({"_id": key}, session=tx.session)
    return None if doc is None else SavedTemplate.model_validate(doc)


async def save(tx: Tx, template: SavedTemplate) -> None:
    """The key's current version, and the same version kept under `<key>:<version>`."""
    fields = template.fields()
    await tx.db[TEMPLATES].replace_one({"_id": template.key}, fields, upsert=True, session=tx.session)
    await tx.db[TEMPLATE_VERSIONS].insert_one({"_id": f"{template.key}:{template.version}", "key": template.key,
                                               **fields}, session=tx.session)


async def version_of(db: Any, key: str, version: int | None = None) -> Template | None:
    """A key's template at `version`, or its current one."""
    if version is None:
        doc = await db[TEMPLATES].find_one({"_id": key})
    else:
        doc = await db[TEMPLATE_VERSIONS].find_one({"_id": f"{key}:{version}"})
    if doc is None:
        return None
    return Template.model_validate({"key": key, **{k: v for k, v in doc.items()
                                                   if k in ("org_code", "version", "name", "indicators")}})


async def owned_by(db: Any, owners: list[str], beneath: str) -> list[SavedTemplate]:
    """Templates of the `owners`, and of every org under `beneath`, by key."""
    query = {"$or": [{"org_code": {"$in": owners}}, {"org_code": prefix_regex(beneath)}]}
    return [SavedTemplate.model_validate(d) for d in await db[TEMPLATES].find(query).sort("_id", 1).to_list()]
