"""Every index the reports service needs; listings start with community_code (or the owning org)."""
from pymongo import ASCENDING as A
from pymongo import IndexModel

RESIDENTS, HOUSEHOLDS, ORGS, WATERMARKS = "residents", "households", "orgs", "watermarks"
VISITS, SEEKERS, REFERRALS, PLACEMENTS = "visits", "seekers", "referrals", "placements"
TEMPLATES, TEMPLATE_VERSIONS, RUNS, REPORTS, LINEAGE = (
    "templates", "template_versions", "runs", "reports", "lineage")

INDEXES = {
    RESIDENTS: [IndexModel([("community_code", A), ("_id", A)], name="by_community")],
    HOUSEHOLDS: [IndexModel([("community_code", A), ("_id", A)], name="by_community")],
    ORGS: [IndexModel([("level", A), ("_id", A)], name="by_level")],
    VISITS: [IndexModel([("community_code", A), ("visited_on", A)], name="by_day")],
    SEEKERS: [IndexModel([("community_code", A), ("_id", A)], name="by_community")],
    REFERRALS: [IndexModel([("community_code", A), ("referred_on", A)], name="by_day")],
    PLACEMENTS: [IndexModel([("community_code", A), ("start_date", A)], name="by_day")],
    TEMPLATES: [IndexModel([("org_code", A), ("_id", A)], name="by_org")],
    TEMPLATE_VERSIONS: [IndexModel([("key", A), ("version", A)], name="by_key", unique=True)],
    RUNS: [IndexModel([("org_code", A), ("_id", A)], name="by_org")],
    REPORTS: [IndexModel([("community_code", A), ("_id", A)], name="by_community"),
              IndexModel([("run_id", A), ("community_code", A)], name="by_run")],
    LINEAGE: [IndexModel([("report_id", A), ("revision", A), ("indicator", A)], name="by_cell", unique=True)],
}
