"""Org tree and staff directory use cases."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from linli_shared.auth import Access, Principal
from linli_shared.errors import invalid, not_found
from linli_shared.outbox import Tx

from linli_registry.api.schemas import StaffIn
from linli_registry.events import OrgUpserted, StaffUpserted
from linli_registry.service_layer.context import Registry, org_code_or_422
from linli_registry.storage.indexes import ORGS, STAFF


async def upsert_org(reg: Registry, principal: Principal, code: str, name: str) -> dict[str, Any]:
    org = org_code_or_422(code)
    principal.authorize(code, Access.ADMIN)

    async def work(tx: Tx) -> dict[str, Any]:
        if org.parent and not await tx.db[ORGS].find_one({"_id": org.parent}, session=tx.session):
            raise invalid("org.parent.missing",
                          f"{code} belongs under {org.parent}, which is not registered; create it first",
                          ["path", "code"])
        current = await tx.db[ORGS].find_one({"_id": code}, session=tx.session)
        if current and current["name"] == name:
            return current
        doc = {"_id": code, "name": name, "level": org.level, "parent": org.parent,
               "version": (current["version"] if current else 0) + 1, "updated_at": datetime.now(UTC)}
        await tx.db[ORGS].replace_one({"_id": code}, doc, upsert=True, session=tx.session)
        tx.emit(OrgUpserted(code=code, name=name, level=org.level, parent=org.parent),
                subject=code, community=code, aggregate_version=doc["version"])
        return doc

    return await reg.uow.run(work)


async def org_with_children(reg: Registry, principal: Principal, code: str) -> tuple[dict, list[dict]]:
    org_code_or_422(code)
    principal.authorize(code, Access.AGGREGATE)
    doc = await reg.db[ORGS].find_one({"_id": code})
    if doc is None:
        raise not_found("org.not_found", f"org {code} is not registered")
    children = await reg.db[ORGS].find({"parent": code}).sort("_id", 1).to_list()
    return doc, children


async def add_staff(reg: Registry, principal: Principal, org_code: str, body: StaffIn) -> dict[str, Any]:
    org_code_or_422(org_code)
    principal.authorize(org_code, Access.ADMIN)

    async def work(tx: Tx) -> dict[str, Any]:
        if not await tx.db[ORGS].find_one({"_id": org_code}, session=tx.session):
            raise not_found("org.not_found", f"org {org_code} is not registered")
        doc = {"_id": str(uuid.uuid4()), "org_code": org_code, **body.model_dump(), "active": True,
               "version": 1, "created_at": datetime.now(UTC)}
        await tx.db[STAFF].insert_one(doc, session=tx.session)
        tx.emit(StaffUpserted(staff_id=doc["_id"], **body.model_dump(), org_code=org_code),
                subject=doc["_id"], community=org_code, aggregate_version=1)
        return doc

    return await reg.uow.run(work)
