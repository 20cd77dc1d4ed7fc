"""Templates an org saved (a district's, overridable by a street's, by a community's), and the trail of every
change to them: who, when, which org and key, the body before and after."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from linli_shared.orgs import prefix_regex
from linli_shared.outbox import Tx
from linli_shared.pagination import page_by_id

from linli_notify.domain.templates import Template, org_chain
from linli_notify.storage.indexes import TEMPLATE_TRAIL, TEMPLATES


class Changed(Exception):
    """Someone else changed the same org's template meanwhile."""


def _id(org_code: str, key: str) -> str:
    return f"{org_code}:{key}"


def _template(doc: dict[str, Any]) -> Template:
    return Template(doc["key"], doc["body"], doc.get("subject"), doc["org_code"])


async def nearest(tx: Tx, org_code: str, key: str) -> Template | None:
    """The template of the nearest org at or above `org_code` that saved one (one read, by _id)."""
    chain = org_chain(org_code)
    docs = await tx.db[TEMPLATES].find({"_id": {"$in": [_id(org, key) for org in chain]}},
                                       session=tx.session).to_list()
    by_org = {doc["org_code"]: doc for doc in docs}
    return next((_template(by_org[org]) for org in chain if org in by_org), None)


async def applying(db: Any, org_code: str) -> dict[str, dict[str, Any]]:
    """key → the stored document that applies at `org_code` (nearest org first), for every key saved above it."""
    chain = org_chain(org_code)
    docs = await db[TEMPLATES].find({"org_code": {"$in": list(chain)}}).to_list()
    rank = {org: i for i, org in enumerate(chain)}
    found: dict[str, dict[str, Any]] = {}
    for doc in sorted(docs, key=lambda d: rank[d["org_code"]], reverse=True):
        found[doc["key"]] = doc  # nearer orgs come last and win
    return found


async def save(tx: Tx, org_code: str, template: Template, actor: str, now: datetime) -> dict[str, Any]:
    """Create or replace the org's template, compare-and-set on its version, and put the change on the trail."""
    doc_id = _id(org_code, template.key)
    old = await tx.db[TEMPLATES].find_one({"_id": doc_id}, session=tx.session)
    version = (old["version"] if old else 0) + 1
    fields = {"org_code": org_code, "key": template.key, "body": template.body, "subject": template.subject,
              "version": version, "updated_by": actor, "updated_at": now}
    if old is None:
        try:
            await tx.db[TEMPLATES].insert_one({"_id": doc_id, **fields}, session=tx.session)
        except DuplicateKeyError as exc:
            raise Changed from exc
    elif not (await tx.db[TEMPLATES].update_one({"_id": doc_id, "version": old["version"]}, {"$set": fields},
                                                session=tx.session)).modified_count:
        raise Changed
    await _trail(tx, "created" if old is None else "updated", org_code, template.key, old, fields, actor, now)
    return fields


async def remove(tx: Tx, org_code: str, key: str, actor: str, now: datetime) -> bool:
    old = await tx.db[TEMPLATES].find_one_and_delete({"_id": _id(org_code, key)}, session=tx.session)
    if old is None:
        return False
    await _trail(tx, "deleted", org_code, key, old, None, actor, now)
    return True


async def _trail(tx: Tx, action: str, org_code: str, key: str, old: dict[str, Any] | None,
                 new: dict[str, Any] | None, actor: str, now: datetime) -> None:
    await tx.db[TEMPLATE_TRAIL].insert_one({
        "_id": str(ObjectId()), "at": now, "actor": actor, "action": action, "org_code": org_code, "key": key,
        "old_body": old and old["body"], "old_subject": old and old.get("subject"),
        "new_body": new and new["body"], "new_subject": new and new.get("subject"),
        "version": new["version"] if new else old["version"]}, session=tx.session)


async def changes(db: Any, org_code: str, key: str | None, limit: int,
                  cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
    """The trail of templates at and beneath `org_code`, oldest first."""
    query: dict[str, Any] = {"org_code": prefix_regex(org_code), **({"key": key} if key else {})}
    return await page_by_id(db[TEMPLATE_TRAIL], query, limit, cursor)
