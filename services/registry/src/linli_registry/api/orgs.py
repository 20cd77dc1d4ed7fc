"""Org tree and staff directory routes."""
from __future__ import annotations

from fastapi import APIRouter

from linli_shared.auth import CurrentPrincipal
from linli_shared.orgs import OrgCode
from linli_shared.pagination import DEFAULT_LIMIT, Cursor, Limit, Page

from linli_registry.api.deps import ContextDep
from linli_registry.api.schemas import OrgIn, OrgOut, StaffIn, StaffOut
from linli_registry.service_layer import orgs
from linli_registry.storage.orgs import Org
from linli_registry.storage.staff import StaffMember

router = APIRouter(prefix="/v1/orgs", tags=["orgs"])


def _org(org: Org, children: list[Org] = ()) -> OrgOut:
    return OrgOut(code=org.code, name=org.name, level=org.level, parent=org.parent,
                  children=[_org(c) for c in children])


def _staff(member: StaffMember) -> StaffOut:
    return StaffOut(**member.model_dump(include=set(StaffOut.model_fields)))


@router.put("/{code}", response_model=OrgOut)
async def put_org(code: OrgCode, body: OrgIn, ctx: ContextDep, principal: CurrentPrincipal) -> OrgOut:
    return _org(await orgs.upsert_org(ctx, principal, code, body.name))


@router.get("/{code}", response_model=OrgOut)
async def get_org(code: OrgCode, ctx: ContextDep, principal: CurrentPrincipal) -> OrgOut:
    return _org(*await orgs.org_with_children(ctx, principal, code))


@router.post("/{code}/staff", response_model=StaffOut, status_code=201)
async def post_staff(code: OrgCode, body: StaffIn, ctx: ContextDep, principal: CurrentPrincipal) -> StaffOut:
    return _staff(await orgs.add_staff(ctx, principal, code, orgs.AddStaff(**body.model_dump())))


@router.get("/{code}/staff", response_model=Page[StaffOut])
async def list_staff(code: OrgCode, ctx: ContextDep, principal: CurrentPrincipal,
                     limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> Page[StaffOut]:
    members, next_cursor = await orgs.staff_under(ctx, principal, code, limit, cursor)
    return Page(items=[_staff(m) for m in members], next_cursor=next_cursor)
