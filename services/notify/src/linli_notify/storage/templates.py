"""Templates an org saved (a district's, overridable by a street's, by a community's), and the trail of every
change to them: who, when, which org and key, the body before and after."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from bson import ObjectId
from pydantic import BaseModel, ConfigDict, Field
from pymongo.errors import DuplicateKeyError

from linli_shared.orgs import prefix_regex
from linli_shared.outbox import Tx
from linli_shared.pagination import page_by_id

from linli_notify.domain.template_trail import TemplateChangeFields
from linli_notify.domain.templates import Template, org_chain
from linli_notify.storage.indexes import TEMPLATE_TRAIL, TEMPLATES


class Changed(Exception):
    """Someone else changed the same org's template meanwhile."""


class Stored(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore")


class SavedTemplate(Stored):
    """An org's own template for one rule and channel (`_id` is `<org>:<key>`)."""

    id: str = Field(alias="_id")
    org_code: str
    key: str
    body: str
    subject: str | None = None
    version: int
    updated_by: str | None = None
    updated_at: datetime | None = None

    def template(self) -> Template:
        return Template(self.key, self.body, self.subject, self.org_code)


class TemplateChange(Stored, TemplateChangeFields):
    id: str = Field(alias="_id")


def _id(org_code: str, key: str) -> str:
    return f"{org_code}:{key}"


async def nearest(tx: Tx, org_code: str, key: str) -> Template | None:
    """The template of the nearest org at or above `org_code` that saved one (one read, by _id)."""
    chain = org_chain(org_code)
    docs = await tx.db[TEMPLATES].find({"_id": {"$in": [_id(org, key) for org in chain]}},
                                       session=tx.session).to_list()
    by_org = {doc["org_code"]: SavedTemplate.model_validate(doc) for doc in docs}
    return next((by_org[org].template() for org in chain if org in by_org), None)


async def applying(db: Any, org_code: str) -> dict[str, SavedTemplate]:
    """key → the saved template that applies at `org_code` (nearest org first), for every key saved above it."""
    chain = org_chain(org_code)
    docs = [SavedTemplate.model_validate(d) for d in await db[TEMPLATES].find({"org_code": {"$in": list(chain)}})
            .to_list()]
    rank = {org: i for i, org in enumerate(chain)}
    found: dict[str, SavedTemplate] = {}
    for saved in sorted(docs, key=lambda d: rank[d.org_code], reverse=True):
        found[saved.key] = saved  # nearer orgs come last and win
    return found


async def save(tx: Tx, org_code: str, template: Template, actor: str, now: datetime) -> SavedTemplate:
    """Create or replace the org's template, compare-and-set on its version, and put the change on the trail."""
    doc_id = _id(org_code, template.key)
    found = await tx.db[TEMPLATES].find_one({"_id": doc_id}, session=tx.session)
    old = None if found is None else SavedTemplate.model_validate(found)
    saved = SavedTemplate(id=doc_id, org_code=org_code, key=template.key, body=template.body,
                          subject=template.subject, version=(old.version if old else 0) + 1, updated_by=actor,
                          updated_at=now)
    fields = saved.model_dump(exclude={"id"})
    if old is None:
        try:
            await tx.db[TEMPLATES].insert_one({"_id": doc_id, **fields}, session=tx.session)
        except DuplicateKeyError as exc:
            raise Changed from exc
    elif not (await tx.db[TEMPLATES].update_one({"_id": doc_id, "version": old.version}, {"$set": fields},
                                                session=tx.session)).modified_count:
        raise Changed
    await _trail(tx, "created" if old is None else "updated", org_code, template.key, old, saved, actor, now)
    return saved


async def remove(tx: Tx, org_code: str, key: str, actor: str, now: datetime) -> bool:
    found = await tx.db[TEMPLATES].find_one_and_delete({"_id": _id(org_code, key)}, session=tx.session)
    if found is None:
        return False
    await _trail(tx, "deleted", org_code, key, SavedTemplate.model_validate(found), None, actor, now)
    return True


async def _trail(tx: Tx, action: str, org_code: str, key: str, old: SavedTemplate | None,
                 new: SavedTemplate | None, actor: str, now: datetime) -> None:
    change = TemplateChange(id=str(ObjectId()), at=now, actor=actor, action=action, org_code=org_code, key=key,
                            old_body=old and old.body, old_subject=old and old.subject,
                            new_body=new and new.body, new_subject=new and new.subject,
                            version=new.version if new else old.version)
    await tx.db[TEMPLATE_TRAIL].insert_one(change.model_dump(by_alias=True), session=tx.session)


async def changes(db: Any, org_code: str, key: str | None, limit: int,
                  cursor: str | None) -> tuple[list[TemplateChange], str | None]:
    """The trail of templates at and beneath `org_code`, oldest first."""
    query: dict[str, Any] = {"org_code": prefix_regex(org_code), **({"key": key} if key else {})}
    docs, next_cursor = await page_by_id(db[TEMPLATE_TRAIL], query, limit, cursor)
    return [TemplateChange.model_validate(d) for d in docs], next_cursor
