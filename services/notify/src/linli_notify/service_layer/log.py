"""The delivery log, manual retry, and each staff member's inbox."""
from __future__ import annotations

from collections import defaultdict

from linli_shared.auth import Access, Principal
from linli_shared.errors import conflict, not_found
from linli_shared.outbox import Tx
from linli_shared.trail import record_reveal

from linli_notify.domain.addresses import mask_address
from linli_notify.service_layer.context import Notify
from linli_notify.service_layer.manage import require_admin
from linli_notify.storage import notifications
from linli_notify.storage.notifications import LogFilter, Notification

RETRYABLE = ("failed", "dead")
PERSONAL_ADDRESSES = ("sms", "email")  # a phone or a mailbox; WeCom and webhook addresses are URLs


def shown(doc: Notification, principal: Principal) -> Notification:
    """Phones and mailboxes masked unless the caller holds pii:read; URLs always without their query (a robot's
    key is a credential, not personal data: pii:read does not show it)."""
    address = doc.address
    if address and (not principal.can_read_pii or doc.channel not in PERSONAL_ADDRESSES):
        address = mask_address(doc.channel, address)
    return doc.model_copy(update={"address": address})


async def reveal(ctx: Notify, principal: Principal, docs: list[Notification]) -> list[Notification]:
    """The docs as the caller sees them; unmasked phones and mailboxes go on the reveal trail first."""
    if principal.can_read_pii:
        whose: dict[str, set[str]] = defaultdict(set)
        for doc in docs:
            if doc.address and doc.channel in PERSONAL_ADDRESSES:
                whose[doc.community_code].add(doc.recipient_id)
        for community, recipients in sorted(whose.items()):
            await record_reveal(ctx.db, principal, via="notify.delivery_log", community=community,
                                subject_ids=sorted(recipients), fields=["address"])
    return [shown(doc, principal) for doc in docs]


async def list_notifications(ctx: Notify, principal: Principal, filters: LogFilter, limit: int,
                             cursor: str | None) -> tuple[list[Notification], str | None]:
    require_admin(principal)
    docs, next_cursor = await notifications.page_log(ctx.db, principal.scope_filter(), filters, limit, cursor)
    return await reveal(ctx, principal, docs), next_cursor


async def get_notification(ctx: Notify, principal: Principal, notification_id: str) -> Notification:
    doc = await notifications.get(ctx.db, notification_id)
    if doc is None:
        raise not_found("notification.not_found", f"notification {notification_id} does not exist")
    principal.authorize(doc.community_code, Access.ADMIN)
    return doc


async def retry(ctx: Notify, principal: Principal, notification_id: str) -> Notification:
    """A failed or dead notification goes back in the queue with a fresh attempt budget; its attempts stay."""
    doc = await get_notification(ctx, principal, notification_id)
    if doc.status not in RETRYABLE:
        raise conflict("notification.not_retryable", f"the notification is {doc.status}; only failed or dead "
                                                     "ones are retried by hand")
    now = ctx.clock.now()

    async def work(tx: Tx) -> Notification | None:
        changes = {"status": "pending", "not_before": now, "updated_at": now, "reason": "manual_retry",
                   "max_attempts": doc.attempt_count + ctx.settings.max_attempts, "retried_by": principal.sub,
                   "version": doc.version + 1}
        return doc.model_copy(update=changes) if await notifications.requeue(tx, doc, changes) else None

    updated = await ctx.uow.run(work)
    if updated is None:
        raise conflict("notification.changed", "the notification changed meanwhile; re-read and retry")
    ctx.new_work.ring()
    return (await reveal(ctx, principal, [updated]))[0]


async def inbox(ctx: Notify, principal: Principal, unread: bool | None, limit: int,
                cursor: str | None) -> tuple[list[Notification], str | None]:
    return await notifications.page_inbox(ctx.db, principal.sub, principal.scope_filter(), unread, limit, cursor)


async def mark_read(ctx: Notify, principal: Principal, notification_id: str) -> Notification:
    doc = await notifications.inbox_item(ctx.db, notification_id, principal.sub)
    if doc is None:  # someone else's item is as absent as a missing one
        raise not_found("inbox.not_found", f"no inbox item {notification_id} for you")
    if doc.read_at is None:
        doc = doc.model_copy(update={"read_at": ctx.clock.now()})
        await notifications.mark_read(ctx.db, notification_id, doc.read_at)
    return doc


