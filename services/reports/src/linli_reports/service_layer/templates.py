"""Saving and listing report templates: each save is a new version; the old ones stay for their reports."""
from __future__ import annotations

import re
from typing import Any

from linli_shared.auth import Access, Principal
from linli_shared.errors import Problem, conflict, invalid, not_found
from linli_shared.outbox import Tx

from linli_reports.domain.indicators import Template, TemplateError, TemplateIn, validate_template
from linli_reports.service_layer.context import Reports
from linli_reports.storage import templates as stored
from linli_reports.storage.templates import SavedTemplate

OWNER_LEVELS = {6: "district", 9: "street"}
KEY = re.compile(r"[a-z][a-z0-9_]{0,63}")


async def save_template(ctx: Reports, principal: Principal, org: str, key: str, body: TemplateIn,
                        expected_version: int | None = None) -> SavedTemplate:
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

    async def work(tx: Tx) -> SavedTemplate:
        current = await stored.current(tx, key)
        if current is not None and current.org_code != org:
            raise conflict("template.key.taken", f"template {key} belongs to {current.org_code}")
        at = current.version if current else 0
        if expected_version is not None and expected_version != at:
            raise Problem(412, "version.mismatch", f"template {key} is at version {at}, not {expected_version}; "
                          "re-read and retry")
        saved = SavedTemplate(key=key, org_code=org, version=at + 1, name=body.name, indicators=body.indicators,
                              saved_by=principal.sub, saved_at=ctx.clock.now())
        await stored.save(tx, saved)
        return saved

    return await ctx.uow.run(work)


async def list_templates(ctx: Reports, principal: Principal, org: str) -> list[SavedTemplate]:
    """Templates owned by the org, by the orgs above it (they apply to it), and by the orgs beneath it."""
    principal.authorize(org, Access.AGGREGATE)
    return await stored.owned_by(ctx.db, [org[:n] for n in OWNER_LEVELS if n < len(org)], org)


async def template_version(db: Any, key: str, version: int | None = None) -> Template:
    template = await stored.version_of(db, key, version)
    if template is None:
        raise not_found("template.not_found", f"report template {key} does not exist")
    return template
