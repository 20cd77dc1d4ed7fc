"""The audit trail for admins: who saw or changed whose personal information, and who exported what."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from linli_shared.auth import CurrentPrincipal
from linli_shared.orgs import OrgCode
from linli_shared.pagination import DEFAULT_LIMIT, Cursor, Limit, Page

from linli_registry.api.deps import ContextDep
from linli_registry.domain.audit import Action, AuditEntry
from linli_registry.service_layer import audit
from linli_registry.storage.audit import TrailQuery

router = APIRouter(prefix="/v1", tags=["audit"])


@router.get("/audit-trail", response_model=Page[AuditEntry])
async def get_audit_trail(
    ctx: ContextDep, principal: CurrentPrincipal,
    community: Annotated[OrgCode | None, Query(description="an org code: its communities' entries")] = None,
    resident_id: str | None = None,
    actor: Annotated[str | None, Query(description="the staff member (token subject)")] = None,
    action: Action | None = None,
    since: datetime | None = None, until: datetime | None = None,
    limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None,
) -> Page[AuditEntry]:
    q = TrailQuery(community=community, resident_id=resident_id, actor=actor, action=action, since=since, until=until)
    entries, next_cursor = await audit.query(ctx, principal, q, limit, cursor)
    return Page(items=entries, next_cursor=next_cursor)
