"""Writing and reading the privacy trail. Changes are recorded in the same transaction as the change."""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from linli_shared.auth import Access, Principal
from linli_shared.errors import forbidden
from linli_shared.logging import get_logger
from linli_shared.outbox import Tx

from linli_registry.domain.audit import Action, AuditEntry, changes_between, new_entry, shown
from linli_registry.service_layer.context import RegistryContext
from linli_registry.storage import audit as trail
from linli_registry.storage.audit import TrailQuery

log = get_logger()

# A listing or an export reveals many residents: one entry names at most this many (the document stays small).
REVEALS_PER_ENTRY = 1000


async def record(tx: Tx, entry: AuditEntry) -> None:
    trail.append_at_commit(tx, [entry])


async def record_change(tx: Tx, principal: Principal, action: Action, old: dict[str, Any], new: dict[str, Any],
                        fields: list[str], **detail: Any) -> None:
    """Who changed which fields of a resident, old and new values masked as the trail shows them."""
    await record(tx, new_entry(principal.sub, action, new["community_code"], resident_ids=[new["_id"]],
                               household_id=new.get("household_id"), changes=changes_between(old, new, fields),
                               detail=detail))


async def pii_revealed(ctx: RegistryContext, principal: Principal, docs: list[dict[str, Any]], via: str,
                       **detail: Any) -> None:
    """Before an unmasked ID number or phone leaves the registry, the trail says who saw whose."""
    if not principal.can_read_pii or not docs:
        return
    by_community: dict[str, list[str]] = defaultdict(list)
    for doc in docs:
        by_community[doc["community_code"]].append(doc["_id"])
    entries = [new_entry(principal.sub, "pii.read", community, resident_ids=ids[i:i + REVEALS_PER_ENTRY],
                         detail={"via": via, "fields": ["id_number", "phone"], **detail})
               for community, ids in sorted(by_community.items())
               for i in range(0, len(ids), REVEALS_PER_ENTRY)]
    await trail.append(ctx.db, entries)
    # The same line every service logs on a reveal (linli_shared.trail): ops alert on one name.
    for community, ids in sorted(by_community.items()):
        log.info("pii.revealed", actor=principal.sub, via=via, community=community, subjects=len(ids),
                 fields=["id_number", "phone"])


async def query(ctx: RegistryContext, principal: Principal, q: TrailQuery, limit: int,
                cursor: str | None) -> tuple[list[AuditEntry], str | None]:
    """Admins read the trail of the orgs their token covers, by resident, staff member, action and time."""
    if q.community:
        principal.authorize(q.community, Access.ADMIN)
    elif not principal.roles & Access.ADMIN.value:
        raise forbidden(f"roles {sorted(principal.roles)} may not read the audit trail", "auth.role")
    entries, next_cursor = await trail.page(ctx.db, principal.scope_filter(), q, limit, cursor)
    return [shown(entry) for entry in entries], next_cursor
