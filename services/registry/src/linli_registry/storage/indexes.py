"""Every index the registry needs, declared here and created at start-up. Listings start with community_code."""
from pymongo import ASCENDING as A
from pymongo import IndexModel

from linli_registry.storage.audit import AUDIT_TRAIL
from linli_registry.storage.community_changes import COMMUNITY_LOG
from linli_registry.storage.id_tail_searches import INDEXES as ID_TAIL_SEARCH_INDEXES
from linli_registry.storage.imports import IMPORT_ERRORS, IMPORT_FILES, IMPORTS

ORGS, STAFF, HOUSEHOLDS, RESIDENTS, LIFE_EVENTS, ID_REGISTRATIONS = (
    "orgs", "staff", "households", "residents", "life_events", "id_registrations")

INDEXES = {
    ORGS: [IndexModel([("parent", A)], name="children")],
    STAFF: [IndexModel([("org_code", A), ("_id", A)], name="by_org")],
    HOUSEHOLDS: [IndexModel([("community_code", A), ("_id", A)], name="by_community"),
                 IndexModel([("community_code", A), ("address.building", A)], name="by_building")],
    RESIDENTS: [
        IndexModel([("community_code", A), ("_id", A)], name="by_community"),
        IndexModel([("community_code", A), ("household_id", A)], name="by_household"),
        IndexModel([("community_code", A), ("status", A), ("_id", A)], name="by_status"),
        IndexModel([("community_code", A), ("name_initials", A)], name="by_initials"),
        IndexModel([("community_code", A), ("id_tail", A)], name="by_id_tail"),
        IndexModel([("id_number_hash", A)], name="by_id_hash"),
        IndexModel([("community_code", A), ("name_pinyin", A)], name="by_pinyin"),
    ],
    LIFE_EVENTS: [IndexModel([("resident_id", A), ("date", A)], name="by_resident")],
    IMPORTS: [IndexModel([("status", A), ("lease_until", A)], name="claimable"),
              IndexModel([("community_code", A), ("created_at", A)], name="by_community")],
    IMPORT_ERRORS: [IndexModel([("import_id", A), ("kind", A), ("row", A)], name="by_import")],
    IMPORT_FILES: [IndexModel([("import_id", A), ("_id", A)], name="by_import")],
    AUDIT_TRAIL: [
        IndexModel([("resident_ids", A), ("_id", A)], name="by_resident"),
        IndexModel([("actor", A), ("_id", A)], name="by_actor"),
        IndexModel([("community_code", A), ("_id", A)], name="by_community"),
    ],
    **COMMUNITY_LOG.indexes(),
    **ID_TAIL_SEARCH_INDEXES,
}
