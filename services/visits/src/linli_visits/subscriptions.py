"""Every event the visits service reacts to, on one screen.

Life events have a lane of their own (`visits-registry-urgent-v1`): a hospitalisation is a mandatory visit
(五必访) and must not wait behind the thousands of resident states a ledger import puts on the same stream.
Lanes do not keep order between them: a life event may arrive before its resident's registration, and is then
parked until the registration arrives on the bulk lane (handlers/registry.py). Within a lane, order stays.
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
            f"{REGISTRY}.household.registered.v1": households,
            f"{REGISTRY}.household.updated.v1": households,
            f"{REGISTRY}.staff.upserted.v1": on(registry.staff_changed),
        }),
        Subscription(durable="visits-registry-urgent-v1", stream="REGISTRY", handlers={
            f"{REGISTRY}.resident.life_event_recorded.v1": on(registry.life_event_recorded),
        }),
        Subscription(durable="visits-employment-v1", stream="EMPLOYMENT", handlers={
            f"{EMPLOYMENT}.placement.started.v1": on(employment.plan_follow_up),
            f"{EMPLOYMENT}.placement.followup_due.v1": on(employment.plan_follow_up),
        }),
    ]
