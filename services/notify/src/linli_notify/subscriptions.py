"""Every event the notify service reacts to, on one screen."""
from __future__ import annotations

from functools import partial

from linli_shared.events.published import RESIDENT_STATE_TYPES
from linli_shared.subscriptions import InRuns, Subscription

from linli_notify.catalog import EMPLOYMENT_TYPES, REGISTRY_TYPES, VISITS_TYPES
from linli_notify.handlers import projections
from linli_notify.handlers.reactions import react, react_to_run
from linli_notify.service_layer.context import Notify

# Events that feed a local projection before their rules run; every other type only fans out
# (its rules, if any, and the outside webhooks subscribed to it).
PROJECTIONS = {"linli.registry.staff.upserted.v1": projections.staff_changed}
# Resident states and visit tasks come in long runs (a ledger import, and the visits it plans):
# their projections take a run at a time.
TASK_TYPES = ("linli.visits.task.created.v1", "linli.visits.task.assigned.v1", "linli.visits.task.completed.v1",
              "linli.visits.task.cancelled.v1", "linli.visits.task.overdue.v1")
IN_RUNS = {**dict.fromkeys(RESIDENT_STATE_TYPES, projections.residents_changed),
           **dict.fromkeys(TASK_TYPES, projections.tasks_changed)}
# Rules (domain/rules.py): task.assigned → assignee; task.overdue → assignee + admins; urgent task.created and
# urgent need.reported → admins (critical); referral.made → the seeker by SMS; placement.followup_due → the worker.


def subscriptions(ctx: Notify) -> list[Subscription]:
    runs = {project: InRuns(partial(react_to_run, ctx, project)) for project in set(IN_RUNS.values())}

    def handlers(types: tuple[str, ...]) -> dict:
        return {t: runs[IN_RUNS[t]] if t in IN_RUNS else partial(react, ctx, PROJECTIONS.get(t)) for t in types}

    return [
        Subscription(durable="notify-registry-v1", stream="REGISTRY", handlers=handlers(REGISTRY_TYPES)),
        Subscription(durable="notify-visits-v1", stream="VISITS", handlers=handlers(VISITS_TYPES)),
        Subscription(durable="notify-employment-v1", stream="EMPLOYMENT", handlers=handlers(EMPLOYMENT_TYPES)),
    ]
