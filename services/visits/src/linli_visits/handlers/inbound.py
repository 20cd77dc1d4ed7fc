"""What visits keeps of other services' events; their models are shared (linli_shared.events.published)."""
from __future__ import annotations

from linli_shared.events.published import HouseholdState, LifeEvent, Placement, ResidentState, Staff

__all__ = ["RESIDENT_FIELDS", "STAFF_FIELDS", "HouseholdState", "LifeEvent", "Placement", "ResidentState", "Staff"]

# Whom to visit, when and where; a resident's texting consent is notify's business.
RESIDENT_FIELDS = frozenset(ResidentState.model_fields) - {"resident_id", "sms_consent"}
# A worker to assign tasks to, not how to reach them.
STAFF_FIELDS = frozenset({"org_code", "name", "role", "active"})
