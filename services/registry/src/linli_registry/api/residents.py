"""Resident routes: thin, they parse, authorise through the use case, and shape the answer."""
from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response

from linli_shared.auth import Access, CurrentPrincipal, Principal
from linli_shared.domain.ages import age_on
from linli_shared.etag import RequiredVersion, etag
from linli_shared.orgs import OrgCode
from linli_shared.pagination import DEFAULT_LIMIT, Cursor, Limit, Page
from linli_shared.privacy import mask_phone, redact_text

from linli_registry.api.deps import ContextDep
from linli_registry.api.schemas import (
    LifeEventIn,
    LifeEventListed,
    LifeEventOut,
    ResidentIn,
    ResidentOut,
    ResidentPatch,
)
from linli_registry.domain.vocabulary import ResidentStatus
from linli_registry.service_layer import audit, queries, residents
from linli_registry.service_layer.context import RegistryContext
from linli_registry.service_layer.resident_filters import ResidentFilter
from linli_registry.storage.residents import Resident

router = APIRouter(prefix="/v1", tags=["residents"])

# A pii:read token is answered unmasked by default (as it always was); `reveal=false` asks for the masked
# resident, e.g. a card opened before a deliberate reveal, and then nothing is revealed, so nothing is recorded.
Reveal = Annotated[bool, Query(description="false: masked even for a pii:read token, and no reveal on the trail")]


def _out(ctx: RegistryContext, principal: Principal, resident: Resident, groups: list[str],
         reveal: bool = True) -> ResidentOut:
    doc = resident.stored()
    birth = date.fromisoformat(doc["birth_date"])
    unmasked = reveal and principal.can_read_pii
    fields = {k: doc.get(k) for k in ResidentOut.model_fields if k in doc}
    fields.update(
        id=doc["_id"], id_number=residents.reveal_id_number(ctx, principal, doc) if unmasked
        else residents.masked_id_number(doc),
        id_number_masked=not unmasked, age=age_on(birth, max(birth, ctx.today())),
        phone=doc.get("phone") if unmasked else mask_phone(doc.get("phone")),
        special_care=doc.get("special_care") or [], party_member=bool(doc.get("party_member")), groups=groups)
    return ResidentOut(**fields)


async def _full(ctx: RegistryContext, principal: Principal, resident: Resident, response: Response,
                via: str | None, groups: list[str] | None = None, reveal: bool = True) -> ResidentOut:
    """The resident as answered; `groups` when the use case already derived them (as of today).

    `via` names the reveal on the trail; a masked answer (`reveal=False`) reveals nothing and records nothing."""
    response.headers["ETag"] = etag(resident.version)
    doc = resident.stored()
    steps = [audit.pii_revealed(ctx, principal, [doc], via=via)] if via and reveal else []
    if groups is None:
        steps.append(residents.groups_of(ctx.db, doc, ctx.today(), ctx.rules))
    done = await asyncio.gather(*steps)  # at once: the reveal is recorded before the answer leaves all the same
    return _out(ctx, principal, resident, groups if groups is not None else done[-1], reveal)


@router.post("/communities/{code}/residents", response_model=ResidentOut, status_code=201)
async def post_resident(code: OrgCode, body: ResidentIn, ctx: ContextDep, principal: CurrentPrincipal,
                        response: Response) -> ResidentOut:
    resident, groups = await residents.register_resident(ctx, principal, body.command(code))
    response.headers["Location"] = f"/v1/residents/{resident.id}"
    return await _full(ctx, principal, resident, response, via=None, groups=groups)  # the caller sent these values


@router.get("/residents/{resident_id}", response_model=ResidentOut)
async def get_resident(resident_id: str, ctx: ContextDep, principal: CurrentPrincipal,
                       response: Response, reveal: Reveal = True) -> ResidentOut:
    resident = await residents.load_resident(ctx, principal, resident_id, Access.READ)
    return await _full(ctx, principal, resident, response, via="read", reveal=reveal)


@router.patch("/residents/{resident_id}", response_model=ResidentOut)
async def patch_resident(resident_id: str, body: ResidentPatch, ctx: ContextDep, principal: CurrentPrincipal,
                         response: Response, version: RequiredVersion) -> ResidentOut:
    resident, groups = await residents.update_resident(ctx, principal, body.command(resident_id, version))
    return await _full(ctx, principal, resident, response, via="update", groups=groups)


@router.post("/residents/{resident_id}/life-events", response_model=LifeEventOut, status_code=201)
async def post_life_event(resident_id: str, body: LifeEventIn, ctx: ContextDep,
                          principal: CurrentPrincipal) -> LifeEventOut:
    event, resident = await residents.record_life_event(ctx, principal, body.command(resident_id))
    return LifeEventOut(id=event.id, resident_id=resident_id, kind=event.kind, date=event.date,
                        note=_shown_note(event.note), recorded_by=event.recorded_by, resident_status=resident.status)


@router.get("/residents/{resident_id}/life-events", response_model=Page[LifeEventListed])
async def list_life_events(resident_id: str, ctx: ContextDep, principal: CurrentPrincipal,
                           limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> Page[LifeEventListed]:
    """Newest first (by the event's date)."""
    found, next_cursor = await queries.life_events_of(ctx, principal, resident_id, limit, cursor)
    return Page(items=[LifeEventListed(**{**e.model_dump(), "note": _shown_note(e.note)}) for e in found],
                next_cursor=next_cursor)


def _shown_note(note: str | None) -> str | None:
    """A note is typed text: an ID or mobile number in it is masked wherever it is shown, to anyone."""
    return redact_text(note) if note else note


@router.get("/communities/{code}/residents", response_model=Page[ResidentOut])
async def list_residents(
    code: OrgCode, ctx: ContextDep, principal: CurrentPrincipal,
    group: Annotated[list[str], Query(description="derived groups, all must hold, e.g. elderly_80")] = [],  # noqa: B006
    status: ResidentStatus | None = None,
    q: Annotated[str | None, Query(min_length=1, max_length=50)] = None,
    household_id: str | None = None,
    grid: Annotated[str | None, Query(description="grid code, e.g. 130303001001-03")] = None,
    as_of: date | None = None, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None, reveal: Reveal = True,
) -> Page[ResidentOut]:
    f = ResidentFilter(groups=tuple(group), status=status, household_id=household_id, grid=grid, as_of=as_of)
    found, next_cursor = await queries.list_residents(ctx, principal, code, f, q, limit, cursor)
    docs = [r.stored() for r in found]
    groups = await residents.groups_of_many(ctx.db, docs, as_of or ctx.today(), ctx.rules)
    if reveal:
        await audit.pii_revealed(ctx, principal, docs, via="list")
    return Page(items=[_out(ctx, principal, r, groups[r.id], reveal) for r in found], next_cursor=next_cursor)
