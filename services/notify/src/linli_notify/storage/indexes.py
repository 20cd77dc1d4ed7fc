"""Every index notify needs; listings start with community_code, the delivery log is unique per key."""
from pymongo import ASCENDING as A
from pymongo import IndexModel

from linli_shared.trail import trail_indexes

STAFF, RESIDENTS, TASKS = "staff", "residents", "tasks"
NOTIFICATIONS, TEMPLATES, PREFERENCES, WEBHOOKS = "notifications", "templates", "preferences", "webhooks"
COMMUNITY_SETTINGS, DIGESTS = "community_settings", "digests"
TEMPLATE_TRAIL = "template_trail"

INDEXES = {
    STAFF: [IndexModel([("community_code", A), ("role", A)], name="by_community_role")],
    RESIDENTS: [IndexModel([("community_code", A), ("_id", A)], name="by_community")],
    TASKS: [IndexModel([("status", A), ("assignee", A)], name="pending_by_assignee"),
            IndexModel([("community_code", A), ("status", A)], name="by_community")],
    NOTIFICATIONS: [
        # Exactly one notification per (source event, recipient, channel): redelivery can never double-send.
        IndexModel([("event_id", A), ("recipient_kind", A), ("recipient_id", A), ("channel", A)],
                   name="one_per_event_recipient_channel", unique=True),
        IndexModel([("status", A), ("not_before", A)], name="due"),
        IndexModel([("recipient_id", A), ("channel", A), ("_id", A)], name="inbox"),
        IndexModel([("community_code", A), ("status", A), ("_id", A)], name="log_by_status"),
        IndexModel([("community_code", A), ("_id", A)], name="log"),
    ],
    WEBHOOKS: [IndexModel([("event_types", A), ("active", A)], name="by_type"),
               IndexModel([("org_code", A), ("_id", A)], name="by_org")],
    TEMPLATES: [IndexModel([("org_code", A), ("key", A)], name="by_org")],
    TEMPLATE_TRAIL: [IndexModel([("org_code", A), ("_id", A)], name="by_org")],
    **trail_indexes(),  # who saw whose address unmasked, and which webhooks got whose data
}
