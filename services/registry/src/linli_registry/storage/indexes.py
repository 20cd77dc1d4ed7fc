"""Every index the registry needs, declared here and created at start-up. Listings start with community_code."""
from pymongo import ASCENDING as A
from pymongo import IndexModel

ORGS, STAFF, HOUSEHOLDS, RESIDENTS, LIFE_EVENTS, ID_REGISTRATIONS = (
    "orgs", "staff", "households", "residents", "life_events", "id_registrations")

INDEXES = {
    ORGS: [IndexModel([("parent", A)], name="children")],
    STAFF: [IndexModel([("org_code", A), ("_id", A)], name="by_org")],
    HOUSEHOLDS: [IndexModel([("community_code", A), ("_id", A)], name="by_community")],
    RESIDENTS: [
        IndexModel([("community_code", A), ("_id", A)], name="by_community"),
        IndexModel([("community_code", A), ("household_id", A)], name="by_household"),
        IndexModel([("community_code", A), ("status", A), ("_id", A)], name="by_status"),
        IndexModel([("community_code", A), ("name_initials", A)], name="by_initials"),
        IndexModel([("community_code", A), ("id_tail", A)], name="by_id_tail"),
        IndexModel([("id_number_hash", A)], name="by_id_hash"),
    ],
    LIFE_EVENTS: [IndexModel([("resident_id", A), ("date", A)], name="by_resident")],
}
