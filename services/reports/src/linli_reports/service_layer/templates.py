"""Saving and listing report templates: each save is a new version; the old ones stay for their reports."""
from __future__ import annotations

import re
from typing import Any

from linli_shared.auth import Access, Principal
from linli_shared.errors import Problem, conflict, invalid, not_found
from linli_shared.orgs import prefix_regex
from linli_shared.outbox import Tx

from linli_reports.domain.indicators import Template, TemplateError, TemplateIn, validate_template
from linli_reports.service_layer.context import Reports
from linli_reports.storage.indexes import TEMPLATE_VERSIONS, TEMPLATES

OWNER_LEVELS = {6: "district", 9: "street"}
KEY = re.compile(r"[a-z][a-z0-9_]{0,63}")


async def save_template(ctx: Reports, principal: Principal, org: str, key: str, body: TemplateIn,
                        expected_version: int | None = None) -> dict[str, Any]:
    """Each save is the next version; with `expected_version` (If-Match) a concurrent save is a 412, not lost."""
    principal.authorize(org, Access.ADMIN)
    if len(org) not in OWNER_LEVELS or not org.isdigit():
        raise invalid("template.org.not_district_or_street",
                      f"templates belong to a district (6 digits) or a street (9 digits), not {org}", ["path", "code"])
    if not KEY.fullmatch(key):
        raise invalid("template.key.invalid", f"template key {key!r} must be letters, digits and _", ["path", "key"])
    try:
        validate_template(body)
    except TemplateError as exc:
        raise invalid(exc.code, exc.message, exc.loc) from exc

    async def work(tx: Tx) -> dict[str, Any]:
        current = await tx.db[TEMPLATES].find_one({"_id": key}, session=tx.session)
        if current is not None and current["org_code"] != org:
            raise conflict("template.key.taken", f"template {key} belongs to {current['org_code']}")
        at = current["version"] if current else 0
        if expected_version is not None and expected_version != at:
            raise Problem(412, "version.mismatch", f"template {key} is at version {at}, not {expected_version}; "
                          "re-read and retry")
        version = at + 1
        doc = {"org_code": org, "version": version, **body.model_dump(mode="json"),
               "saved_by": principal.sub, "saved_at": ctx.clock.now()}
        await tx.db[TEMPLATES].replace_one({"_id": key}, doc, upsert=True, session=tx.session)
        await tx.db[TEMPLATE_VERSIONS].insert_one({"_id": f"{key}:{version}", "key": key, **doc}, session=tx.session)
        return {"_id": key, **doc}

    return await ctx.uow.run(work)


async def list_templates(ctx: Reports, principal: Principal, org: str) -> list[dict[str, Any]]:
    """Templates owned by the org, by the orgs above it (they apply to it), and by the orgs beneath it."""
    principal.authorize(org, Access.AGGREGATE)
    owners = [org[:n] for n in OWNER_LEVELS if n < len(org)]
    query = {"$or": [{"org_code": {"$in": owners}}, {"org_code": prefix_regex(org)}]}
    return await ctx.db[TEMPLATES].find(query).sort("_id", 1).to_list()


async def template_version(db: Any, key: str, version: int | None = None) -> Template:
    if version is None:
        doc = await db[TEMPLATES].find_one({"_id": key})
    else:
        doc = await db[TEMPLATE_VERSIONS].find_one({"_id": f"{key}:{version}"})
    if doc is None:
        raise not_found("template.not_found", f"report template {key} does not exist")
    return Template.model_validate({"key": key, **{k: v for k, v in doc.items()
                                                   if k in ("org_code", "version", "name", "indicators")}})
