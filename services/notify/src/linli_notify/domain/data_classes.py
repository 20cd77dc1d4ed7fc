"""What an outside webhook may receive: the event's identifiers always, each other field only if its data class
was granted when the webhook was registered (minimum necessary). A field not named here is never sent."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

DATA_CLASSES = ("identity", "contact", "address", "demographics", "health", "disability", "special_care",
                "employment", "casework", "free_text")

# Ids and org codes: what the event is about, never a person's attributes.
IDENTIFIERS = frozenset({
    "resident_id", "household_id", "staff_id", "task_id", "need_id", "visit_id", "referral_id", "seeker_id",
    "job_id", "employer_id", "placement_id", "enrollment_id", "training_id", "life_event_id",
    "community_code", "org_code", "code", "level", "parent"})

_CLASSES: dict[str, tuple[str, ...]] = {
    "identity": ("name", "resident_name"),
    "contact": ("phone", "email", "wecom_userid", "sms_consent"),
    "address": ("address", "grid", "housing"),
    "demographics": ("gender", "birth_date", "birthday_calendar", "ethnicity", "relation_to_head", "residence_type",
                     "party_member", "volunteer", "status", "left_on", "changed", "role", "active"),
    "health": ("health",),
    "disability": ("disability",),
    "special_care": ("special_care", "groups", "low_income", "low_income_since", "low_income_monthly_cny"),
    "employment": ("employment_status", "job_title", "employer_name", "title", "headcount", "wage_min_cny",
                   "wage_max_cny", "suits_4050", "suits_disabled", "start_date", "wage_cny", "outcome", "cohort",
                   "certificate", "interview_at", "check_day", "due_date"),
    "casework": ("reason", "due_from", "due_by", "assignee", "previous_assignee", "source", "urgent", "visited_at",
                 "method", "met", "visitor", "needs_found", "aid_total_cny", "resolved_by", "referred_by",
                 "recorded_by", "kind", "date", "category"),
    "free_text": ("note", "why"),
}
# A field needs every class it names: a retired cadre's record holds free text about family and health.
FIELD_CLASSES: dict[str, frozenset[str]] = {
    **{name: frozenset({cls}) for cls, names in _CLASSES.items() for name in names},
    "retired_cadre": frozenset({"special_care", "free_text"}),
    "priority_groups": frozenset({"employment", "special_care"}),
}
# The same name means another thing in another service: a job's category is employment data.
_BY_SOURCE = {("employment", "category"): frozenset({"employment"})}


def classes_of(field: str, source: str) -> frozenset[str] | None:
    """The classes a field needs; None for a field this map does not know (so it is not sent)."""
    return _BY_SOURCE.get((source, field)) or FIELD_CLASSES.get(field)


def granted_view(data: Mapping[str, Any], granted: frozenset[str] | set[str],
                 source: str) -> tuple[dict[str, Any], list[str]]:
    """(the data a webhook with `granted` classes receives, the personal fields in it)."""
    shared: dict[str, Any] = {}
    personal: list[str] = []
    for field, value in data.items():
        if field in IDENTIFIERS:
            shared[field] = value
            continue
        needs = classes_of(field, source)
        if needs is not None and needs <= granted:
            shared[field] = value
            personal.append(field)
    return shared, personal
