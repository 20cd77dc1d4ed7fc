"""Every index employment needs; listings start with community_code."""
from pymongo import ASCENDING as A
from pymongo import IndexModel

from linli_shared.changelog import ChangeLog

RESIDENTS, SEEKERS, EMPLOYERS, JOBS = "residents", "seekers", "employers", "jobs"
REFERRALS, PLACEMENTS, TRAININGS, ENROLLMENTS = "referrals", "placements", "trainings", "enrollments"
SEEKER_LOG = ChangeLog(versions="seeker_data_versions", changes="seeker_changes")  # by district, for kept_seekers

INDEXES = {
    RESIDENTS: [IndexModel([("community_code", A), ("household_id", A)], name="by_household")],
    SEEKERS: [IndexModel([("community_code", A), ("status", A), ("_id", A)], name="by_status")],
    EMPLOYERS: [IndexModel([("community_code", A), ("_id", A)], name="by_community")],
    JOBS: [IndexModel([("community_code", A), ("status", A), ("_id", A)], name="by_status")],
    REFERRALS: [IndexModel([("community_code", A), ("referred_on", A)], name="by_day"),
                IndexModel([("seeker_id", A), ("job_id", A)], name="by_seeker_job")],
    PLACEMENTS: [IndexModel([("community_code", A), ("start_date", A)], name="by_start"),
                 IndexModel([("follow_ups_pending", A)], name="follow_ups")],
    ENROLLMENTS: [IndexModel([("community_code", A), ("enrolled_on", A)], name="by_day"),
                  IndexModel([("training_id", A), ("resident_id", A)], name="by_training")],
    **SEEKER_LOG.indexes(),
}
