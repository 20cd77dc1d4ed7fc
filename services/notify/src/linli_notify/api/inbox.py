"""The caller's in-app notifications (`sub` is the staff id)."""
from __future__ import annotations

from fastapi import APIRouter

from linli_shared.auth import CurrentPrincipal
from linli_shared.pagination import DEFAULT_LIMIT, Cursor, Limit, Page

from linli_notify.api.deps import NotifyDep
from linli_notify.api.schemas import InboxItem
from linli_notify.service_layer import log

router = APIRouter(prefix="/v1", tags=["inbox"])


@router.get("/inbox", response_model=Page[InboxItem])
async def get_inbox(ctx: NotifyDep, principal: CurrentPrincipal, unread: bool | None = None,
                    limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> Page[InboxItem]:
    items, next_cursor = await log.inbox(ctx, principal, unread, limit, cursor)
    return Page(items=[InboxItem.model_validate(i, from_attributes=True) for i in items], next_cursor=next_cursor)


@router.post("/inbox/{notification_id}/read", response_model=InboxItem)
async def read(notification_id: str, ctx: NotifyDep, principal: CurrentPrincipal) -> InboxItem:
    return InboxItem.model_validate(await log.mark_read(ctx, principal, notification_id), from_attributes=True)
