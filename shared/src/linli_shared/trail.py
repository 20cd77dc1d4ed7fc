"""The reveal trail of services other than the registry: who saw whose personal data unmasked.

The registry keeps its own, richer audit trail (`linli_registry.service_layer.audit`). Every other
service that can show personal data unmasked (dead letters, notify's delivery log, report lineage)
records each such read here, in its own database, and logs `pii.revealed` for ops. Like the
registry's trail it is append-only and never a second copy of what it protects: it names who, what
and whose ids, never the values.
"""
from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel

from linli_shared.auth import Principal
from linli_shared.logging import get_logger

log = get_logger()
REVEAL_TRAIL = "reveal_trail"
IDS_PER_ENTRY = 1000  # a listing may reveal many; one entry stays a small document


def trail_indexes() -> dict[str, list[IndexModel]]:
    return {REVEAL_TRAIL: [IndexModel([("community_code", ASCENDING), ("at", DESCENDING)], name="by_community"),
                           IndexModel([("actor", ASCENDING), ("at", DESCENDING)], name="by_actor")]}


async def record_reveal(db: Any, principal: Principal, *, via: str, community: str | None,
                        subject_ids: list[str], fields: list[str], session: Any = None) -> None:
    """Before unmasked personal data leaves the service, say who saw which subjects' which fields, and how."""
    if not subject_ids:
        return
    now = datetime.now(UTC)
    entries = [{"_id": uuid.uuid4().hex, "at": now, "actor": principal.sub, "action": "pii.read", "via": via,
                "community_code": community, "subject_ids": subject_ids[i:i + IDS_PER_ENTRY], "fields": fields}
               for i in range(0, len(subject_ids), IDS_PER_ENTRY)]
    await db[REVEAL_TRAIL].insert_many(entries, ordered=True, session=session)
    log.info("pii.revealed", actor=principal.sub, via=via, community=community, subjects=len(subject_ids),
             fields=fields)


async def reveals(db: Any, query: dict[str, Any], limit: int = 100) -> list[dict[str, Any]]:
    """The newest entries matching `query` (an admin view or a test reads them)."""
    return await db[REVEAL_TRAIL].find(query).sort("at", DESCENDING).limit(limit).to_list()
