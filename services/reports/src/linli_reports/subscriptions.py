"""Every event the reports service reacts to, on one screen."""
from __future__ import annotations

from functools import partial

from linli_shared.events.published import RESIDENT_STATE_TYPES
from linli_shared.subscriptions import InRuns, Subscription

from linli_reports.handlers import employment, registry, visits
from linli_reports.service_layer.context import Reports

REGISTRY, VISITS, EMPLOYMENT = "linli.registry", "linli.visits", "linli.employment"


def subscriptions(ctx: Reports) -> list[Subscription]:
    on = lambda handler: partial(handler, ctx)  # noqa: E731 — handlers take the context first
    residents, households = InRuns(on(registry.residents_changed)), InRuns(on(registry.households_changed))
    return [
        Subscription(durable="reports-registry-v1", stream="REGISTRY", handlers={
            **dict.fromkeys(RESIDENT_STATE_TYPES, residents),
            f"{REGISTRY}.household.registered.v1": households,
            f"{REGISTRY}.household.updated.v1": households,
            f"{REGISTRY}.org.upserted.v1": on(registry.org_upserted),
        }),
        Subscription(durable="reports-visits-v1", stream="VISITS", handlers={
            f"{VISITS}.visit.recorded.v1": on(visits.visit_recorded),
        }),
        Subscription(durable="reports-employment-v1", stream="EMPLOYMENT", handlers={
            f"{EMPLOYMENT}.seeker.registered.v1": on(employment.seeker_changed),
            f"{EMPLOYMENT}.seeker.updated.v1": on(employment.seeker_changed),
            f"{EMPLOYMENT}.referral.made.v1": on(employment.referral_made),
            f"{EMPLOYMENT}.referral.outcome_recorded.v1": on(employment.referral_outcome),
            f"{EMPLOYMENT}.placement.started.v1": on(employment.placement_started),
        }),
    ]
