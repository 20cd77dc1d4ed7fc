"""Org tree and staff directory use cases."""
from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from linli_shared.auth import Access, Principal
from linli_shared.errors import invalid, not_found
from linli_shared.outbox import Tx

from linli_registry.domain.vocabulary import StaffRole
from linli_registry.events import OrgUpserted, StaffUpserted
from linli_registry.service_layer.context import RegistryContext, org_code_or_422
from linli_registry.storage import orgs as org_store
from linli_registry.storage import staff as staff_store
from linli_registry.storage.orgs import Org
from linli_registry.storage.staff import StaffMember


@dataclass(frozen=True)
class AddStaff:
    """A staff member for an org's directory."""

    name: str
    role: StaffRole
    phone: str | None = None
    email: str | None = None
    wecom_userid: str | None = None


async def upsert_org(ctx: RegistryContext, principal: Principal, code: str, name: str) -> Org:
    org = org_code_or_422(code)
    principal.authorize(code, Access.ADMIN)

    async def work(tx: Tx) -> Org:
        if org.parent and not await org_store.get(tx.db, org.parent, tx.session):
            raise invalid("org.parent.missing",
                          f"{code} belongs under {org.parent}, which is not registered; create it first",
                          ["path", "code"])
        current = await org_store.get(tx.db, code, tx.session)
        if current and current.name == name:
            return current
        saved = Org(code=code, name=name, level=org.level, parent=org.parent,
                    version=(current.version if current else 0) + 1, updated_at=datetime.now(UTC))
        await org_store.save(tx, saved)
        tx.emit(OrgUpserted(code=code, name=name, level=org.level, parent=org.parent),
                subject=code, community=code, aggregate_version=saved.version)
        return saved

    return await ctx.uow.run(work)


async def org_with_children(ctx: RegistryContext, principal: Principal, code: str) -> tuple[Org, list[Org]]:
    org_code_or_422(code)
    principal.authorize(code, Access.AGGREGATE)
    org = await org_store.get(ctx.db, code)
    if org is None:
        raise not_found("org.not_found", f"org {code} is not registered")
    return org, await org_store.children(ctx.db, code)


async def add_staff(ctx: RegistryContext, principal: Principal, org_code: str, command: AddStaff) -> StaffMember:
    org_code_or_422(org_code)
    principal.authorize(org_code, Access.ADMIN)

    async def work(tx: Tx) -> StaffMember:
        if not await org_store.get(tx.db, org_code, tx.session):
            raise not_found("org.not_found", f"org {org_code} is not registered")
        member = StaffMember(id=str(uuid.uuid4()), org_code=org_code, **asdict(command), active=True, version=1,
                             created_at=datetime.now(UTC))
        await staff_store.add(tx, member)
        tx.emit(StaffUpserted(staff_id=member.id, **asdict(command), org_code=org_code),
                subject=member.id, community=org_code, aggregate_version=1)
        return member

    return await ctx.uow.run(work)


async def staff_under(ctx: RegistryContext, principal: Principal, code: str, limit: int,
                      cursor: str | None) -> tuple[list[StaffMember], str | None]:
    """One page of the staff of an org and the orgs under it."""
    org_code_or_422(code)
    principal.authorize(code, Access.READ)
    return await staff_store.page_under(ctx.db, code, limit, cursor)
