"""Templates per org: a district's applies to its streets and communities unless one of them saves its own.

Only an admin whose scope covers the org may change its templates; every change is on the trail. A template
is saved only if it renders against the rule's samples within the renderer's bounds (time, memory, output).
"""
from __future__ import annotations

from typing import Any

from linli_shared.auth import Access, Principal
from linli_shared.errors import Problem, conflict, invalid, not_found
from linli_shared.outbox import Tx

from linli_notify.domain.commands import SaveTemplate
from linli_notify.domain.rules import RULES
from linli_notify.domain.templates import TEMPLATE_ORG_LENGTHS, TemplateProblem, defaults
from linli_notify.service_layer.context import Notify
from linli_notify.storage import templates as stored


def _template_org(code: str) -> None:
    if len(code) not in TEMPLATE_ORG_LENGTHS:
        raise invalid("template.org.invalid", "templates are kept by a district (6 digits), street (9) or "
                                              "community (12)", ["path", "code"])


def _known(key: str) -> None:
    if key not in defaults():
        raise not_found("template.not_found", f"no rule and channel called {key}")


async def list_templates(ctx: Notify, principal: Principal, code: str) -> list[dict[str, Any]]:
    """What applies at `code` for every rule and channel: the nearest org's template, or the built-in one."""
    _template_org(code)
    principal.authorize(code, Access.ADMIN)
    saved = await stored.applying(ctx.db, code)
    items = []
    for key, template in defaults().items():
        rule, _, channel = key.rpartition(".")
        own = saved.get(key)
        items.append({"key": key, "rule": rule, "channel": channel, "variables": sorted(RULES[rule].variables),
                      "body": own.body if own else template.body,
                      "subject": own.subject if own else template.subject,
                      "customized": own is not None, "org_code": own.org_code if own else None,
                      "version": own.version if own else 0})
    return items


async def put_template(ctx: Notify, principal: Principal, command: SaveTemplate) -> dict[str, Any]:
    """Saved only if it renders: an unknown variable, a syntax error or a runaway template is a 422."""
    code, key = command.org_code, command.key
    _template_org(code)
    principal.authorize(code, Access.ADMIN)
    _known(key)
    try:
        template = await ctx.renderer.validate(key, command.body, command.subject)
    except TemplateProblem as exc:
        raise _problem(exc) from exc

    async def work(tx: Tx) -> None:
        await stored.save(tx, code, template, principal.sub, ctx.clock.now())

    try:
        await ctx.uow.run(work)
    except stored.Changed as exc:
        raise conflict("template.changed", "the template changed meanwhile; re-read and retry") from exc
    return next(t for t in await list_templates(ctx, principal, code) if t["key"] == key)


async def delete_template(ctx: Notify, principal: Principal, code: str, key: str) -> None:
    """The org goes back to what applies above it (its street's, district's, or the built-in one)."""
    _template_org(code)
    principal.authorize(code, Access.ADMIN)
    _known(key)
    if not await ctx.uow.run(lambda tx: stored.remove(tx, code, key, principal.sub, ctx.clock.now())):
        raise not_found("template.not_customized", f"{code} has no template of its own for {key}")


async def template_changes(ctx: Notify, principal: Principal, code: str, key: str | None, limit: int,
                           cursor: str | None) -> tuple[list[stored.TemplateChange], str | None]:
    _template_org(code)
    principal.authorize(code, Access.ADMIN)
    return await stored.changes(ctx.db, code, key, limit, cursor)


def _problem(exc: TemplateProblem) -> Problem:
    part = "subject" if exc.detail.startswith("subject") else "body"
    return invalid(exc.code, exc.detail, ["body", part])
