"""Every index the visits service needs; listings start with community_code."""
from pymongo import ASCENDING as A
from pymongo import DESCENDING as D
from pymongo import IndexModel

RESIDENTS, HOUSEHOLDS, STAFF, LIFE_EVENTS = "residents", "households", "staff", "life_events"
TASKS, VISITS, NEEDS, CAMPAIGNS, PAIRINGS, POLICIES = "tasks", "visits", "needs", "campaigns", "pairings", "policies"
STATISTICS_VERSIONS = "statistics_versions"  # one document per community: its data version (_id the code)

INDEXES = {
    RESIDENTS: [IndexModel([("community_code", A), ("_id", A)], name="by_community"),
                IndexModel([("community_code", A), ("household_id", A)], name="by_household")],
    HOUSEHOLDS: [IndexModel([("community_code", A), ("_id", A)], name="by_community")],
    LIFE_EVENTS: [IndexModel([("resident_id", A), ("processed", A)], name="parked")],
    TASKS: [IndexModel([("community_code", A), ("status", A), ("_id", A)], name="by_status"),
            IndexModel([("community_code", A), ("status", A), ("due_by", A), ("_id", A)], name="by_due"),
            IndexModel([("community_code", A), ("assignee", A), ("status", A)], name="by_assignee"),
            IndexModel([("resident_id", A), ("status", A)], name="by_resident"),
            IndexModel([("status", A), ("due_by", A)], name="overdue_sweep"),
            IndexModel([("source", A)], name="by_source")],
    VISITS: [IndexModel([("community_code", A), ("visited_on", A)], name="by_day"),
             IndexModel([("resident_id", A), ("visited_at", D)], name="history")],
    NEEDS: [IndexModel([("community_code", A), ("status", A), ("_id", A)], name="by_status")],
    PAIRINGS: [IndexModel([("elder_id", A), ("active", A)], name="by_elder"),
               IndexModel([("community_code", A), ("_id", A)], name="by_community")],
}
