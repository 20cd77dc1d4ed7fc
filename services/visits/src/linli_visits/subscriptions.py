"""Every event the visits service reacts to, on one screen.

Life events also have a lane of their own (`visits-registry-urgent-v1`): a hospitalisation is a mandatory visit
(五必访) and must not wait behind the thousands of resident states a ledger import puts on the same stream.
Lanes keep no order between them, so the bulk lane keeps its life events too: in stream order, after their
resident's registration, it applies whatever the urgent lane could not (a resident it did not know yet) and
finds the rest done (handlers/registry.py). The urgent lane's transactions also go first (`urgent=True`): every commit
here bumps its community's statistics version, so a bulk group running at the same time would abort it, again and again.
"""
from __future__ import annotations

from functools import partial

from linli_shared.events.published import RESIDENT_STATE_TYPES
from linli_shared.subscriptions import InRuns, Subscription

from linli_visits.handlers import employment, registry
from linli_visits.service_layer.context import Visits

REGISTRY = "linli.registry"
EMPLOYMENT = "linli.employment"


def subscriptions(ctx: Visits) -> list[Subscription]:
    on = lambda handler: partial(handler, ctx)  # noqa: E731 — handlers take the context first
    residents, households = InRuns(on(registry.residents_changed)), InRuns(on(registry.households_changed))
    return [
        Subscription(durable="visits-registry-v1", stream="REGISTRY", handlers={
            **dict.fromkeys(RESIDENT_STATE_TYPES, residents),
            f"{REGISTRY}.resident.life_event_recorded.v1": on(registry.life_event_recorded),
            f"{REGISTRY}.household.registered.v1": households,
            f"{REGISTRY}.household.updated.v1": households,
            f"{REGISTRY}.staff.upserted.v1": on(registry.staff_changed),
        }),
        Subscription(durable="visits-registry-urgent-v1", stream="REGISTRY", urgent=True, handlers={
            f"{REGISTRY}.resident.life_event_recorded.v1": on(registry.life_event_recorded),
        }),
        Subscription(durable="visits-employment-v1", stream="EMPLOYMENT", handlers={
            f"{EMPLOYMENT}.placement.started.v1": on(employment.plan_follow_up),
            f"{EMPLOYMENT}.placement.followup_due.v1": on(employment.plan_follow_up),
        }),
    ]
