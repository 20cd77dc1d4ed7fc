"""Every event the employment service reacts to, on one screen."""
from __future__ import annotations

from functools import partial

from linli_shared.events.published import RESIDENT_STATE_TYPES
from linli_shared.subscriptions import InRuns, Subscription

from linli_employment.handlers import registry
from linli_employment.service_layer.context import Employment


def subscriptions(ctx: Employment) -> list[Subscription]:
    residents = InRuns(partial(registry.residents_changed, ctx))
    return [
        Subscription(durable="employment-registry-v1", stream="REGISTRY",
                     handlers=dict.fromkeys(RESIDENT_STATE_TYPES, residents)),
    ]
