"""Festival campaigns and one-to-one volunteer pairings."""
from __future__ import annotations

from fastapi import APIRouter, Response

from linli_shared.auth import CurrentPrincipal
from linli_shared.orgs import OrgCode

from linli_visits.api.deps import VisitsDep
from linli_visits.api.schemas import CampaignIn, CampaignOut, PairingIn, PairingOut
from linli_visits.domain.commands import StartCampaign
from linli_visits.service_layer import campaigns, pairings

router = APIRouter(prefix="/v1", tags=["campaigns"])


@router.post("/communities/{code}/campaigns", response_model=CampaignOut, status_code=201)
async def start_campaign(code: OrgCode, body: CampaignIn, ctx: VisitsDep, principal: CurrentPrincipal) -> CampaignOut:
    command = StartCampaign.model_validate(body.model_dump())
    return CampaignOut(**(await campaigns.start(ctx, principal, code, command)).fields())


@router.get("/campaigns/{campaign_id}", response_model=CampaignOut)
async def campaign_progress(campaign_id: str, ctx: VisitsDep, principal: CurrentPrincipal) -> CampaignOut:
    return CampaignOut(**(await campaigns.progress(ctx, principal, campaign_id)).fields())


@router.post("/pairings", response_model=PairingOut, status_code=201)
async def pair(body: PairingIn, ctx: VisitsDep, principal: CurrentPrincipal) -> PairingOut:
    return PairingOut(**(await pairings.pair(ctx, principal, body.volunteer_id, body.elder_id)).fields())


@router.delete("/pairings/{pairing_id}", status_code=204)
async def unpair(pairing_id: str, ctx: VisitsDep, principal: CurrentPrincipal) -> Response:
    await pairings.unpair(ctx, principal, pairing_id)
    return Response(status_code=204)
