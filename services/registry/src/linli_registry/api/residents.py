"""Resident routes: thin, they parse, authorise through the use case, and shape the answer."""
from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response

from linli_shared.auth import Access, CurrentPrincipal, Principal
from linli_shared.domain.ages import age_on
from linli_shared.etag import RequiredVersion, etag
from linli_shared.orgs import OrgCode
from linli_shared.pagination import DEFAULT_LIMIT, Cursor, Limit, Page
from linli_shared.privacy import mask_phone

from linli_registry.api.deps import RegistryDep
from linli_registry.api.schemas import LifeEventIn, LifeEventOut, ResidentIn, ResidentOut, ResidentPatch
from linli_registry.domain.vocabulary import ResidentStatus
from linli_registry.service_layer import audit, queries, residents
from linli_registry.service_layer.context import Registry
from linli_registry.service_layer.resident_filters import ResidentFilter

router = APIRouter(prefix="/v1", tags=["residents"])


def _out(reg: Registry, principal: Principal, doc: dict, groups: list[str]) -> ResidentOut:
    birth = date.fromisoformat(doc["birth_date"])
    fields = {k: doc.get(k) for k in ResidentOut.model_fields if k in doc}
    fields.update(
        id=doc["_id"], id_number=residents.reveal_id_number(reg, principal, doc),
        id_number_masked=not principal.can_read_pii, age=age_on(birth, max(birth, reg.today())),
        phone=doc.get("phone") if principal.can_read_pii else mask_phone(doc.get("phone")),
        special_care=doc.get("special_care") or [], party_member=bool(doc.get("party_member")), groups=groups)
    return ResidentOut(**fields)


async def _full(reg: Registry, principal: Principal, doc: dict, response: Response, via: str | None) -> ResidentOut:
    response.headers["ETag"] = etag(doc["version"])
    if via:
        await audit.pii_revealed(reg, principal, [doc], via=via)
    return _out(reg, principal, doc, await residents.groups_of(reg.db, doc, reg.today(), reg.rules))


@router.post("/communities/{code}/residents", response_model=ResidentOut, status_code=201)
async def post_resident(code: OrgCode, body: ResidentIn, reg: RegistryDep, principal: CurrentPrincipal,
                        response: Response) -> ResidentOut:
    doc = await residents.register_resident(reg, principal, code, body)
    response.headers["Location"] = f"/v1/residents/{doc['_id']}"
    return await _full(reg, principal, doc, response, via=None)  # the caller just sent these values


@router.get("/residents/{resident_id}", response_model=ResidentOut)
async def get_resident(resident_id: str, reg: RegistryDep, principal: CurrentPrincipal,
                       response: Response) -> ResidentOut:
    doc = await residents.load_resident(reg, principal, resident_id, Access.READ)
    return await _full(reg, principal, doc, response, via="read")


@router.patch("/residents/{resident_id}", response_model=ResidentOut)
async def patch_resident(resident_id: str, body: ResidentPatch, reg: RegistryDep, principal: CurrentPrincipal,
                         response: Response, version: RequiredVersion) -> ResidentOut:
    doc = await residents.update_resident(reg, principal, resident_id, body, version)
    return await _full(reg, principal, doc, response, via="update")


@router.post("/residents/{resident_id}/life-events", response_model=LifeEventOut, status_code=201)
async def post_life_event(resident_id: str, body: LifeEventIn, reg: RegistryDep,
                          principal: CurrentPrincipal) -> LifeEventOut:
    event, doc = await residents.record_life_event(reg, principal, resident_id, body)
    return LifeEventOut(id=event["_id"], resident_id=resident_id, kind=event["kind"], date=event["date"],
                        note=event["note"], recorded_by=event["recorded_by"], resident_status=doc["status"])


@router.get("/communities/{code}/residents", response_model=Page[ResidentOut])
async def list_residents(
    code: OrgCode, reg: RegistryDep, principal: CurrentPrincipal,
    group: Annotated[list[str], Query(description="derived groups, all must hold, e.g. elderly_80")] = [],  # noqa: B006
    status: ResidentStatus | None = None,
    q: Annotated[str | None, Query(min_length=1, max_length=50)] = None,
    household_id: str | None = None,
    grid: Annotated[str | None, Query(description="grid code, e.g. 130303001001-03")] = None,
    as_of: date | None = None, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None,
) -> Page[ResidentOut]:
    f = ResidentFilter(groups=tuple(group), status=status, household_id=household_id, grid=grid, as_of=as_of)
    docs, next_cursor = await queries.list_residents(reg, principal, code, f, q, limit, cursor)
    groups = await residents.groups_of_many(reg.db, docs, as_of or reg.today(), reg.rules)
    await audit.pii_revealed(reg, principal, docs, via="list")
    return Page(items=[_out(reg, principal, d, groups[d["_id"]]) for d in docs], next_cursor=next_cursor)
