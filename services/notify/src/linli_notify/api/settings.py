"""Recipients' preferences and a community's rule overrides (templates: api/templates.py)."""
from __future__ import annotations

from fastapi import APIRouter

from linli_shared.auth import CurrentPrincipal
from linli_shared.orgs import OrgCode

from linli_notify.api.deps import NotifyDep
from linli_notify.api.schemas import CommunitySettingsIn, PreferencesIn, PreferencesOut
from linli_notify.service_layer import manage

router = APIRouter(prefix="/v1", tags=["settings"])


@router.get("/recipients/{recipient_id}/preferences", response_model=PreferencesOut)
async def get_preferences(recipient_id: str, ctx: NotifyDep, principal: CurrentPrincipal) -> PreferencesOut:
    return PreferencesOut.model_validate(await manage.get_preferences(ctx, principal, recipient_id),
                                         from_attributes=True)


@router.put("/recipients/{recipient_id}/preferences", response_model=PreferencesOut)
async def put_preferences(recipient_id: str, body: PreferencesIn, ctx: NotifyDep,
                          principal: CurrentPrincipal) -> PreferencesOut:
    return PreferencesOut.model_validate(await manage.put_preferences(ctx, principal, body.command(recipient_id)),
                                         from_attributes=True)


@router.get("/communities/{code}/notify-settings")
async def get_community_settings(code: OrgCode, ctx: NotifyDep, principal: CurrentPrincipal) -> dict:
    return (await manage.get_community_settings(ctx, principal, code)).model_dump(mode="json")


@router.put("/communities/{code}/notify-settings")
async def put_community_settings(code: OrgCode, body: CommunitySettingsIn, ctx: NotifyDep,
                                 principal: CurrentPrincipal) -> dict:
    return (await manage.put_community_settings(ctx, principal, body.command(code))).model_dump(mode="json")
