"""What reports keeps of other services' events; their models are shared (linli_shared.events.published)."""
from __future__ import annotations

from linli_shared.events.published import (
    HouseholdState,
    Org,
    PlacementStarted,
    ReferralMade,
    ReferralOutcome,
    ResidentState,
    Seeker,
    VisitRecorded,
)

__all__ = ["RESIDENT_FIELDS", "HouseholdState", "Org", "PlacementStarted", "ReferralMade", "ReferralOutcome",
           "ResidentState", "Seeker", "VisitRecorded"]

# What the report cells count by; no address, birthday calendar or texting consent.
RESIDENT_FIELDS = frozenset(ResidentState.model_fields) - {"resident_id", "sms_consent", "birthday_calendar", "address"}
