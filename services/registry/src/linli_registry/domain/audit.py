"""The privacy trail (个人信息处理记录, PIPL art. 51): what an entry says, built with no I/O.

The trail itself must not become a second copy of what it protects: ID numbers and phones appear
masked, and the sensitive categories (health, disability, special care, low income) only as
"set" or "cleared", never their values.
"""
from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel

from linli_shared.privacy import mask_id_number, mask_phone

Action = Literal[
    "pii.read",  # an unmasked ID number or phone was shown
    "resident.registered", "resident.changed", "resident.life_event",
    "resident.searched_by_id_tail",  # by a caller without pii:read: how many it matched, never the tail
    "household.registered", "household.changed",
    "export", "import",
]
SENSITIVE = frozenset({"health", "disability", "special_care", "memberships", "low_income", "low_income_periods"})
MASKERS = {"id_number": mask_id_number, "phone": mask_phone}
SET = "***"  # a sensitive value that is present; None when it is absent or cleared


class Change(BaseModel):
    field: str
    old: Any = None
    new: Any = None


class AuditEntry(BaseModel):
    id: str
    at: datetime
    actor: str  # the token's subject: a staff member or a service
    action: Action
    community_code: str
    resident_ids: list[str] = []
    household_id: str | None = None
    changes: list[Change] = []
    detail: dict[str, Any] = {}


def entry_id() -> str:
    """Time-ordered, so the trail pages chronologically by `_id` (nanoseconds, then a random tail)."""
    return f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"


def new_entry(actor: str, action: Action, community: str, **fields: Any) -> AuditEntry:
    return AuditEntry(id=entry_id(), at=datetime.now(UTC), actor=actor, action=action, community_code=community,
                      **fields)


def masked_value(field: str, value: Any) -> Any:
    if value in (None, "", [], {}):
        return None
    if field in SENSITIVE:
        return SET
    if field in MASKERS:
        return MASKERS[field](str(value))
    return value


def shown(entry: AuditEntry) -> AuditEntry:
    """A stored entry as it may be shown today: ID numbers masked under an older, weaker rule are masked anew."""
    return entry.model_copy(update={"changes": [_masked_anew(c) for c in entry.changes]})


def as_shown(stored: dict[str, Any]) -> dict[str, Any]:
    """`shown`, for an entry as the store holds it."""
    return {**stored, "changes": [_masked_anew(Change.model_validate(c)).model_dump()
                                  for c in stored.get("changes") or []]}


def _masked_anew(change: Change) -> Change:
    if change.field != "id_number":
        return change
    return change.model_copy(update={"old": masked_value("id_number", change.old),
                                     "new": masked_value("id_number", change.new)})


def changes_between(old: dict[str, Any], new: dict[str, Any], fields: list[str]) -> list[Change]:
    """Old and new value of each changed field, as the trail may show them."""
    return [Change(field=f, old=masked_value(f, old.get(f)), new=masked_value(f, new.get(f))) for f in fields]
