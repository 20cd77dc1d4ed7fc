"""Preferences, community settings and webhooks: validated, scoped, stored."""
from __future__ import annotations

import secrets

from bson import ObjectId

from linli_shared.auth import Access, Principal
from linli_shared.errors import forbidden, invalid, not_found

from linli_notify.domain.commands import CreateWebhook, SetCommunitySettings, SetPreferences
from linli_notify.domain.targets import TargetRefused
from linli_notify.service_layer.context import Notify
from linli_notify.storage import community_settings, preferences, recipients, webhooks
from linli_notify.storage.community_settings import CommunitySettings
from linli_notify.storage.preferences import StoredPreferences, StoredQuietHours
from linli_notify.storage.webhooks import Webhook


def require_admin(principal: Principal) -> None:
    """Cross-community lists (delivery log, webhooks): an admin or a service; rows are then scoped."""
    if not principal.roles & Access.ADMIN.value:
        raise forbidden(f"roles {sorted(principal.roles)} may not administer notifications", "auth.role")


async def recipient_community(ctx: Notify, recipient_id: str) -> tuple[str, str]:
    found = await recipients.community_of(ctx.db, recipient_id)
    if found is None:
        raise not_found("recipient.not_found", f"{recipient_id} is neither a staff member nor a resident notify knows")
    return found


async def put_preferences(ctx: Notify, principal: Principal, command: SetPreferences) -> StoredPreferences:
    """A staff member sets their own; anyone else's needs write access to the recipient's community."""
    kind, community = await recipient_community(ctx, command.recipient_id)
    if principal.sub != command.recipient_id:
        principal.authorize(community, Access.ADMIN if kind == "staff" else Access.WRITE)
    quiet = command.quiet_hours
    if quiet and quiet.start == quiet.end:
        raise invalid("preferences.quiet_hours.empty", "start and end are equal; send null for the default",
                      ["body", "quiet_hours"])
    stored = StoredPreferences(
        recipient_id=command.recipient_id, recipient_kind=kind, community_code=community,
        channels=None if command.channels is None else list(command.channels),
        quiet_hours=StoredQuietHours(start=quiet.start, end=quiet.end) if quiet else None,
        opt_outs=list(command.opt_outs))
    await preferences.put(ctx.db, stored)
    return stored


async def get_preferences(ctx: Notify, principal: Principal, recipient_id: str) -> StoredPreferences:
    kind, community = await recipient_community(ctx, recipient_id)
    if principal.sub != recipient_id:
        principal.authorize(community, Access.READ)
    stored = await preferences.get(ctx.db, recipient_id) or StoredPreferences(recipient_id=recipient_id)
    return stored.model_copy(update={"recipient_kind": kind})


async def put_community_settings(ctx: Notify, principal: Principal,
                                 command: SetCommunitySettings) -> CommunitySettings:
    code = command.community_code
    if len(code) != 12 or not code.isdigit():
        raise invalid("community.code.invalid", "a community code has 12 digits", ["path", "code"])
    principal.authorize(code, Access.ADMIN)
    if command.wecom_robot_url:
        await check_target(ctx, command.wecom_robot_url, "rules.wecom_robot_url", ["body", "wecom_robot_url"])
    return await community_settings.put(ctx.db, CommunitySettings(
        community_code=code, rules=command.rules, wecom_robot_url=command.wecom_robot_url))


async def get_community_settings(ctx: Notify, principal: Principal, code: str) -> CommunitySettings:
    principal.authorize(code, Access.READ)
    return await community_settings.get(ctx.db, code)


async def check_target(ctx: Notify, url: str, code: str, loc: list[str]) -> None:
    """In production: https, and a host that resolves only to public addresses (or is allow-listed)."""
    try:
        await ctx.guard.check(url)
    except TargetRefused as exc:
        raise invalid(f"{code}.{exc.code}", exc.detail, loc) from exc


async def create_webhook(ctx: Notify, principal: Principal, command: CreateWebhook) -> Webhook:
    """An outside subscriber gets the events' identifiers, and only the data classes granted here."""
    principal.authorize(command.org_code, Access.ADMIN)
    await check_target(ctx, command.url, "webhook.url", ["body", "url"])
    hook = Webhook(id=str(ObjectId()), org_code=command.org_code, url=command.url,
                   event_types=list(command.event_types), data_classes=list(command.data_classes),
                   secret=command.secret or secrets.token_urlsafe(32), active=True, created_by=principal.sub,
                   created_at=ctx.clock.now())
    await webhooks.insert(ctx.db, hook)
    return hook  # the one time the secret leaves: the caller stores it to verify signatures


async def list_webhooks(ctx: Notify, principal: Principal) -> list[Webhook]:
    require_admin(principal)
    return await webhooks.active_in(ctx.db, principal.scope_filter("org_code"))


async def delete_webhook(ctx: Notify, principal: Principal, webhook_id: str) -> None:
    hook = await webhooks.active(ctx.db, webhook_id)
    if hook is None:
        raise not_found("webhook.not_found", f"webhook {webhook_id} does not exist")
    principal.authorize(hook.org_code, Access.ADMIN)
    await webhooks.deactivate(ctx.db, webhook_id, ctx.clock.now())
