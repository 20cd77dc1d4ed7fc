"""What a ledger row says about a resident, as the fields the registry stores.

A column the file has is authoritative (a blank cell clears the field); a column the file lacks
leaves the stored field alone. Details the ledger cannot hold (a volunteer's skills, a retired
cadre's rank and habits) survive a re-import.
"""
from __future__ import annotations

from typing import Any

from linli_registry.domain.ledger import LedgerRow

PLAIN = ("phone", "ethnicity", "relation_to_head", "employment_status", "health", "special_care")
DEFAULTS = {"residence_type": "registered", "birthday_calendar": "solar"}  # what registration assumes
DISABILITY = ("disability_category", "disability_grade")


def resident_values(row: LedgerRow, existing: dict[str, Any] | None) -> dict[str, Any]:
    """Stored fields for the columns present, merged over `existing` (None for a new resident)."""
    current = existing or {}
    values: dict[str, Any] = {}
    for name in PLAIN:
        if name in row.present:
            values[name] = getattr(row, name)
    for name, default in DEFAULTS.items():
        if name in row.present:
            values[name] = getattr(row, name) or default
    if row.present & set(DISABILITY):
        values["disability"] = row.disability
    if "party_member" in row.present:
        values["party_member"] = bool(row.party_member)
    if "volunteer" in row.present:
        values["volunteer"] = (current.get("volunteer") or {"skills": []}) if row.volunteer else None
    if "retired_cadre" in row.present:
        values["retired_cadre"] = {**(current.get("retired_cadre") or {}), "kind": row.retired_cadre} \
            if row.retired_cadre else None
    if "special_care" in values:
        values["special_care"] = sorted(values["special_care"] or [])
    return values


def new_resident_values(row: LedgerRow) -> dict[str, Any]:
    """A resident the registry has not seen: the row's values over registration's defaults."""
    base = {"phone": None, "ethnicity": None, "relation_to_head": None, "employment_status": None,
            "health": None, "disability": None, "party_member": False, "volunteer": None, "retired_cadre": None,
            "special_care": [], "sms_consent": False, **DEFAULTS}
    return {**base, **resident_values(row, None)}
