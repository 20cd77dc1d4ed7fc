"""Templates, preferences, community settings and webhooks: validated, scoped, stored."""
from __future__ import annotations

import secrets
from typing import Any

from bson import ObjectId
from pymongo import ReturnDocument

from linli_shared.auth import Access, Principal
from linli_shared.errors import forbidden, invalid, not_found

from linli_notify.api.schemas import CommunitySettingsIn, PreferencesIn, WebhookIn
from linli_notify.domain.targets import TargetRefused
from linli_notify.service_layer.context import Notify
from linli_notify.storage.indexes import COMMUNITY_SETTINGS, PREFERENCES, RESIDENTS, STAFF, WEBHOOKS


def require_admin(principal: Principal) -> None:
    """Cross-community lists (delivery log, webhooks): an admin or a service; rows are then scoped."""
    if not principal.roles & Access.ADMIN.value:
        raise forbidden(f"roles {sorted(principal.roles)} may not administer notifications", "auth.role")


async def recipient_community(ctx: Notify, recipient_id: str) -> tuple[str, str]:
    staff = await ctx.db[STAFF].find_one({"_id": recipient_id}, {"community_code": 1})
    if staff is not None:
        return "staff", staff["community_code"]
    resident = await ctx.db[RESIDENTS].find_one({"_id": recipient_id}, {"community_code": 1})
    if resident is not None:
        return "resident", resident["community_code"]
    raise not_found("recipient.not_found", f"{recipient_id} is neither a staff member nor a resident notify knows")


async def put_preferences(ctx: Notify, principal: Principal, recipient_id: str, body: PreferencesIn) -> dict[str, Any]:
    """A staff member sets their own; anyone else's needs write access to the recipient's community."""
    kind, community = await recipient_community(ctx, recipient_id)
    if principal.sub != recipient_id:
        principal.authorize(community, Access.ADMIN if kind == "staff" else Access.WRITE)
    fields = body.model_dump(mode="json")
    if body.quiet_hours and body.quiet_hours.start == body.quiet_hours.end:
        raise invalid("preferences.quiet_hours.empty", "start and end are equal; send null for the default",
                      ["body", "quiet_hours"])
    await ctx.db[PREFERENCES].update_one({"_id": recipient_id}, {"$set": {**fields, "recipient_kind": kind,
                                                                          "community_code": community}}, upsert=True)
    return {**fields, "recipient_id": recipient_id, "recipient_kind": kind}


async def get_preferences(ctx: Notify, principal: Principal, recipient_id: str) -> dict[str, Any]:
    kind, community = await recipient_community(ctx, recipient_id)
    if principal.sub != recipient_id:
        principal.authorize(community, Access.READ)
    doc = await ctx.db[PREFERENCES].find_one({"_id": recipient_id}) or {}
    return {"channels": doc.get("channels"), "quiet_hours": doc.get("quiet_hours"),
            "opt_outs": doc.get("opt_outs", []), "recipient_id": recipient_id, "recipient_kind": kind}


async def put_community_settings(ctx: Notify, principal: Principal, code: str,
                                 body: CommunitySettingsIn) -> dict[str, Any]:
    if len(code) != 12 or not code.isdigit():
        raise invalid("community.code.invalid", "a community code has 12 digits", ["path", "code"])
    principal.authorize(code, Access.ADMIN)
    if body.wecom_robot_url:
        await check_target(ctx, body.wecom_robot_url, "rules.wecom_robot_url", ["body", "wecom_robot_url"])
    fields = body.model_dump(mode="json")
    doc = await ctx.db[COMMUNITY_SETTINGS].find_one_and_update(
        {"_id": code}, {"$set": fields, "$inc": {"version": 1}}, upsert=True, return_document=ReturnDocument.AFTER)
    return {"community_code": code, **fields, "version": doc["version"]}


async def get_community_settings(ctx: Notify, principal: Principal, code: str) -> dict[str, Any]:
    principal.authorize(code, Access.READ)
    doc = await ctx.db[COMMUNITY_SETTINGS].find_one({"_id": code}) or {}
    return {"community_code": code, "rules": doc.get("rules", {}), "wecom_robot_url": doc.get("wecom_robot_url"),
            "version": doc.get("version", 0)}


async def check_target(ctx: Notify, url: str, code: str, loc: list[str]) -> None:
    """In production: https, and a host that resolves only to public addresses (or is allow-listed)."""
    try:
        await ctx.guard.check(url)
    except TargetRefused as exc:
        raise invalid(f"{code}.{exc.code}", exc.detail, loc) from exc


async def create_webhook(ctx: Notify, principal: Principal, body: WebhookIn) -> dict[str, Any]:
    """An outside subscriber gets the events' identifiers, and only the data classes granted here."""
    principal.authorize(body.org_code, Access.ADMIN)
    await check_target(ctx, body.url, "webhook.url", ["body", "url"])
    doc = {"_id": str(ObjectId()), "org_code": body.org_code, "url": body.url, "event_types": body.event_types,
           "data_classes": body.data_classes, "secret": body.secret or secrets.token_urlsafe(32), "active": True,
           "created_by": principal.sub, "created_at": ctx.clock.now()}
    await ctx.db[WEBHOOKS].insert_one(doc)
    return doc  # the one time the secret leaves: the caller stores it to verify signatures


async def list_webhooks(ctx: Notify, principal: Principal) -> list[dict[str, Any]]:
    require_admin(principal)
    return await ctx.db[WEBHOOKS].find({"active": True, **principal.scope_filter("org_code")},
                                       {"secret": 0}).sort("_id", 1).to_list()


async def delete_webhook(ctx: Notify, principal: Principal, webhook_id: str) -> None:
    hook = await ctx.db[WEBHOOKS].find_one({"_id": webhook_id, "active": True})
    if hook is None:
        raise not_found("webhook.not_found", f"webhook {webhook_id} does not exist")
    principal.authorize(hook["org_code"], Access.ADMIN)
    # Kept (inactive) so the delivery log still names it; its pending deliveries fail as webhook.gone.
    await ctx.db[WEBHOOKS].update_one({"_id": webhook_id}, {"$set": {"active": False, "deleted_at": ctx.clock.now()}})
