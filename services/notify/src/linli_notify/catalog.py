"""The event types notify consumes: its rules' and any that outside webhooks may subscribe to."""
from __future__ import annotations

REGISTRY_TYPES = tuple(f"linli.registry.{name}.v1" for name in (
    "org.upserted", "staff.upserted", "household.registered", "household.updated", "resident.registered",
    "resident.updated", "resident.life_event_recorded", "resident.moved_out", "resident.deceased"))
VISITS_TYPES = tuple(f"linli.visits.{name}.v1" for name in (
    "task.created", "task.assigned", "task.completed", "task.cancelled", "task.overdue", "visit.recorded",
    "need.reported", "need.resolved"))
EMPLOYMENT_TYPES = tuple(f"linli.employment.{name}.v1" for name in (
    "seeker.registered", "job.posted", "referral.made", "referral.outcome_recorded", "placement.started",
    "placement.followup_due", "training.completed"))
SUBSCRIBABLE = frozenset(REGISTRY_TYPES + VISITS_TYPES + EMPLOYMENT_TYPES)
