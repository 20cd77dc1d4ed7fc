"""The delivery log (admins, scoped) and manual retry."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter

from linli_shared.auth import CurrentPrincipal
from linli_shared.pagination import DEFAULT_LIMIT, Cursor, Limit, Page

from linli_notify.api.deps import NotifyDep
from linli_notify.api.schemas import NotificationOut, Status
from linli_notify.service_layer import log

router = APIRouter(prefix="/v1", tags=["notifications"])
ChannelName = Literal["inbox", "sms", "email", "wecom", "webhook"]


@router.get("/notifications", response_model=Page[NotificationOut])
async def list_notifications(ctx: NotifyDep, principal: CurrentPrincipal, status: Status | None = None,
                             channel: ChannelName | None = None, recipient: str | None = None,
                             rule: str | None = None, event_id: str | None = None,
                             limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> Page[NotificationOut]:
    filters = log.LogFilter(status=status, channel=channel, recipient_id=recipient, rule=rule, event_id=event_id)
    items, next_cursor = await log.list_notifications(ctx, principal, filters, limit, cursor)
    return Page(items=[NotificationOut.model_validate(i, from_attributes=True) for i in items],
                next_cursor=next_cursor)


@router.get("/notifications/{notification_id}", response_model=NotificationOut)
async def get_notification(notification_id: str, ctx: NotifyDep, principal: CurrentPrincipal) -> NotificationOut:
    [doc] = await log.reveal(ctx, principal, [await log.get_notification(ctx, principal, notification_id)])
    return NotificationOut.model_validate(doc, from_attributes=True)


@router.post("/notifications/{notification_id}/retry", response_model=NotificationOut)
async def retry(notification_id: str, ctx: NotifyDep, principal: CurrentPrincipal) -> NotificationOut:
    return NotificationOut.model_validate(await log.retry(ctx, principal, notification_id), from_attributes=True)
