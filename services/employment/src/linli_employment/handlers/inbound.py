"""What employment keeps of the registry's events; their models are shared (linli_shared.events.published)."""
from __future__ import annotations

from linli_shared.events.published import ResidentState

__all__ = ["RESIDENT_FIELDS", "ResidentState"]

# Who may be out of work and how to reach them; no address or groups.
RESIDENT_FIELDS = frozenset({"community_code", "household_id", "name", "gender", "birth_date", "phone",
                             "employment_status", "disability", "status", "left_on"})
