"""Every event the notify service reacts to, on one screen."""
from __future__ import annotations

from functools import partial

from linli_shared.consumer import InRuns, Subscription

from linli_notify.catalog import EMPLOYMENT_TYPES, REGISTRY_TYPES, VISITS_TYPES
from linli_notify.handlers import projections
from linli_notify.handlers.reactions import react, react_to_run
from linli_notify.service_layer.context import Notify

# Events that feed a local projection before their rules run; every other type only fans out
# (its rules, if any, and the outside webhooks subscribed to it).
PROJECTIONS = {
    "linli.registry.staff.upserted.v1": projections.staff_changed,
    "linli.visits.task.created.v1": projections.task_changed,
    "linli.visits.task.assigned.v1": projections.task_changed,
    "linli.visits.task.completed.v1": projections.task_changed,
    "linli.visits.task.cancelled.v1": projections.task_changed,
    "linli.visits.task.overdue.v1": projections.task_changed,
}
# Resident states come in long runs (a ledger import): their projection takes a run at a time.
RESIDENT_TYPES = ("linli.registry.resident.registered.v1", "linli.registry.resident.updated.v1",
                  "linli.registry.resident.moved_out.v1", "linli.registry.resident.deceased.v1")
# Rules (domain/rules.py): task.assigned → assignee; task.overdue → assignee + admins; urgent task.created and
# urgent need.reported → admins (critical); referral.made → the seeker by SMS; placement.followup_due → the worker.


def subscriptions(ctx: Notify) -> list[Subscription]:
    residents = InRuns(partial(react_to_run, ctx, projections.residents_changed))

    def handlers(types: tuple[str, ...]) -> dict:
        return {t: residents if t in RESIDENT_TYPES else partial(react, ctx, PROJECTIONS.get(t)) for t in types}

    return [
        Subscription(durable="notify-registry-v1", stream="REGISTRY", handlers=handlers(REGISTRY_TYPES)),
        Subscription(durable="notify-visits-v1", stream="VISITS", handlers=handlers(VISITS_TYPES)),
        Subscription(durable="notify-employment-v1", stream="EMPLOYMENT", handlers=handlers(EMPLOYMENT_TYPES)),
    ]
