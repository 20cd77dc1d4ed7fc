"""What notify keeps of other services' events; their models are shared (linli_shared.events.published)."""
from __future__ import annotations

from linli_shared.events.published import PlacementFollowupDue as FollowupDue
from linli_shared.events.published import ReferralMade, ResidentState, Staff, TaskFacts

__all__ = ["CONTACT_FIELDS", "FollowupDue", "ReferralMade", "ResidentState", "Staff", "TaskFacts"]

# How to reach a resident, and whether we may.
CONTACT_FIELDS = frozenset({"community_code", "name", "phone", "sms_consent", "status"})
