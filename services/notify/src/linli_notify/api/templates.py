"""Message templates per org (district, street, community), and the trail of changes to them."""
from __future__ import annotations

from fastapi import APIRouter, Response

from linli_shared.auth import CurrentPrincipal
from linli_shared.orgs import OrgCode
from linli_shared.pagination import DEFAULT_LIMIT, Cursor, Limit, Page

from linli_notify.api.deps import NotifyDep
from linli_notify.api.schemas import TemplateChangeOut, TemplateIn, TemplateOut
from linli_notify.service_layer import templates

router = APIRouter(prefix="/v1/orgs/{code}", tags=["templates"])


@router.get("/templates", response_model=list[TemplateOut])
async def list_templates(code: OrgCode, ctx: NotifyDep, principal: CurrentPrincipal) -> list[TemplateOut]:
    """What applies at this org for each rule and channel: its own, the nearest org's above it, or the built-in."""
    return [TemplateOut(**t) for t in await templates.list_templates(ctx, principal, code)]


@router.put("/templates/{key}", response_model=TemplateOut)
async def put_template(code: OrgCode, key: str, body: TemplateIn, ctx: NotifyDep,
                       principal: CurrentPrincipal) -> TemplateOut:
    return TemplateOut(**await templates.put_template(ctx, principal, body.command(code, key)))


@router.delete("/templates/{key}", status_code=204)
async def delete_template(code: OrgCode, key: str, ctx: NotifyDep, principal: CurrentPrincipal) -> Response:
    await templates.delete_template(ctx, principal, code, key)
    return Response(status_code=204)


@router.get("/template-changes", response_model=Page[TemplateChangeOut])
async def template_changes(code: OrgCode, ctx: NotifyDep, principal: CurrentPrincipal, key: str | None = None,
                           limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> Page[TemplateChangeOut]:
    """Every change to templates at and beneath this org: who, when, the body before and after."""
    items, next_cursor = await templates.template_changes(ctx, principal, code, key, limit, cursor)
    return Page(items=[TemplateChangeOut.model_validate(i, from_attributes=True) for i in items],
                next_cursor=next_cursor)
