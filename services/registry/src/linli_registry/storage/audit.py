"""The audit trail's collection. Append-only: this module offers insert and find, nothing that rewrites.

In production the registry's database user should also hold a role without update/delete on this
collection (docs/operations.md), so not even a bug here could rewrite the past.
"""
from __future__ import annotations

from typing import Any

from linli_shared.pagination import page_by_id

from linli_registry.domain.audit import AuditEntry

AUDIT_TRAIL = "audit_trail"


def _doc(entry: AuditEntry) -> dict[str, Any]:
    doc = entry.model_dump()
    doc["_id"] = doc.pop("id")
    return doc


async def append(db: Any, entries: list[AuditEntry], session: Any = None) -> None:
    if entries:
        await db[AUDIT_TRAIL].insert_many([_doc(e) for e in entries], ordered=True, session=session)


async def page(db: Any, query: dict[str, Any], limit: int, cursor: str | None) -> tuple[list[dict], str | None]:
    return await page_by_id(db[AUDIT_TRAIL], query, limit, cursor)
