"""Org tree and staff directory routes."""
from __future__ import annotations

from fastapi import APIRouter

from linli_shared.auth import Access, CurrentPrincipal
from linli_shared.orgs import OrgCode, prefix_regex
from linli_shared.pagination import DEFAULT_LIMIT, Cursor, Limit, Page, page_by_id

from linli_registry.api.deps import RegistryDep
from linli_registry.api.schemas import OrgIn, OrgOut, StaffIn, StaffOut
from linli_registry.service_layer import orgs
from linli_registry.service_layer.context import org_code_or_422
from linli_registry.storage.indexes import STAFF

router = APIRouter(prefix="/v1/orgs", tags=["orgs"])


def _org(doc: dict, children: list[dict] = ()) -> OrgOut:
    return OrgOut(code=doc["_id"], name=doc["name"], level=doc["level"], parent=doc["parent"],
                  children=[_org(c) for c in children])


def _staff(doc: dict) -> StaffOut:
    return StaffOut(id=doc["_id"], **{k: doc.get(k) for k in StaffOut.model_fields if k != "id"})


@router.put("/{code}", response_model=OrgOut)
async def put_org(code: OrgCode, body: OrgIn, reg: RegistryDep, principal: CurrentPrincipal) -> OrgOut:
    return _org(await orgs.upsert_org(reg, principal, code, body.name))


@router.get("/{code}", response_model=OrgOut)
async def get_org(code: OrgCode, reg: RegistryDep, principal: CurrentPrincipal) -> OrgOut:
    return _org(*await orgs.org_with_children(reg, principal, code))


@router.post("/{code}/staff", response_model=StaffOut, status_code=201)
async def post_staff(code: OrgCode, body: StaffIn, reg: RegistryDep, principal: CurrentPrincipal) -> StaffOut:
    return _staff(await orgs.add_staff(reg, principal, code, body))


@router.get("/{code}/staff", response_model=Page[StaffOut])
async def list_staff(code: OrgCode, reg: RegistryDep, principal: CurrentPrincipal,
                     limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> Page[StaffOut]:
    org_code_or_422(code)
    principal.authorize(code, Access.READ)
    docs, next_cursor = await page_by_id(reg.db[STAFF], {"org_code": prefix_regex(code)}, limit, cursor)
    return Page(items=[_staff(d) for d in docs], next_cursor=next_cursor)
