"""Outside subscribers: URL, event types, secret (shown once). Each POST to them is signed."""
from __future__ import annotations

from fastapi import APIRouter, Response

from linli_shared.auth import CurrentPrincipal

from linli_notify.api.deps import NotifyDep
from linli_notify.api.schemas import WebhookIn, WebhookOut
from linli_notify.service_layer import manage

router = APIRouter(prefix="/v1", tags=["webhooks"])


@router.post("/webhooks", response_model=WebhookOut, status_code=201)
async def create(body: WebhookIn, ctx: NotifyDep, principal: CurrentPrincipal) -> WebhookOut:
    return WebhookOut.model_validate(await manage.create_webhook(ctx, principal, body.command()), from_attributes=True)


@router.get("/webhooks", response_model=list[WebhookOut])
async def list_webhooks(ctx: NotifyDep, principal: CurrentPrincipal) -> list[WebhookOut]:
    return [WebhookOut.model_validate(h, from_attributes=True) for h in await manage.list_webhooks(ctx, principal)]


@router.delete("/webhooks/{webhook_id}", status_code=204)
async def delete(webhook_id: str, ctx: NotifyDep, principal: CurrentPrincipal) -> Response:
    await manage.delete_webhook(ctx, principal, webhook_id)
    return Response(status_code=204)
