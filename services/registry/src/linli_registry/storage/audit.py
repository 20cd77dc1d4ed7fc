"""The audit trail's collection. Append-only: this module offers insert and find, nothing that rewrites.

In production the registry's database user should also hold a role without update/delete on this
collection (docs/operations.md), so not even a bug here could rewrite the past.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from linli_shared.orgs import prefix_regex
from linli_shared.outbox import Tx
from linli_shared.pagination import page_by_id

from linli_registry.domain.audit import AuditEntry

AUDIT_TRAIL = "audit_trail"


@dataclass(frozen=True)
class TrailQuery:
    """Which entries: all of them, narrowed by each criterion given."""

    community: str | None = None  # an org code: the entries of its communities
    resident_id: str | None = None
    actor: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _doc(entry: AuditEntry) -> dict[str, Any]:
    doc = entry.model_dump()
    doc["_id"] = doc.pop("id")
    return doc


def _entry(doc: Mapping[str, Any]) -> AuditEntry:
    return AuditEntry.model_validate({**doc, "id": doc["_id"]})


def append_at_commit(tx: Tx, entries: list[AuditEntry]) -> None:
    """Entries of a change, written when its transaction commits, with its events."""
    for entry in entries:
        tx.insert_at_commit(AUDIT_TRAIL, _doc(entry))


async def append(db: Any, entries: list[AuditEntry], session: Any = None) -> None:
    if entries:
        await db[AUDIT_TRAIL].insert_many([_doc(e) for e in entries], ordered=True, session=session)


async def page(db: Any, scope: Mapping[str, Any], q: TrailQuery, limit: int,
               cursor: str | None) -> tuple[list[AuditEntry], str | None]:
    """One page of the entries within `scope` (a token's filter) that match `q`, oldest first."""
    clauses: list[Mapping[str, Any]] = [scope]
    if q.community:
        clauses.append({"community_code": prefix_regex(q.community)})
    for field, value in (("resident_ids", q.resident_id), ("actor", q.actor), ("action", q.action)):
        if value:
            clauses.append({field: value})
    if q.since:
        clauses.append({"at": {"$gte": q.since}})
    if q.until:
        clauses.append({"at": {"$lt": q.until}})
    docs, next_cursor = await page_by_id(db[AUDIT_TRAIL], {"$and": clauses}, limit, cursor)
    return [_entry(d) for d in docs], next_cursor
