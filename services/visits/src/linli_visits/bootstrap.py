"""The visits service's composition root: production defaults, every piece overridable in tests."""
from __future__ import annotations

from fastapi import FastAPI

from linli_shared.clock import Clock
from linli_shared.http import create_service_app
from linli_shared.lease import Lease
from linli_shared.runtime import ServiceRuntime
from linli_shared.settings import group_rules
from linli_shared.timers import periodic

from linli_visits.api import campaigns, policy, tasks, visits
from linli_visits.service_layer.context import Visits
from linli_visits.service_layer.sweep import sweep
from linli_visits.settings import VisitsSettings
from linli_visits.storage import statistics_versions
from linli_visits.storage.indexes import INDEXES
from linli_visits.subscriptions import subscriptions


def create_app(settings: VisitsSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or VisitsSettings()
    runtime = ServiceRuntime(settings, INDEXES)
    runtime.uow.before_commit.append(statistics_versions.record)
    ctx = Visits(uow=runtime.uow, db=runtime.db, clock=clock or Clock(settings.timezone), rules=group_rules(settings),
                 suppress_below=settings.suppress_below)
    runtime.subscriptions = subscriptions(ctx)
    runtime.workers["task_sweep"] = periodic("visits.task_sweep", Lease(runtime.db, "visits.task-sweep", runtime.owner),
                                             settings.sweep_interval_seconds, lambda: sweep(ctx))
    app = create_service_app(runtime, [tasks.router, visits.router, campaigns.router, policy.router],
                             title="Linli visits (入户走访)")
    app.state.visits = ctx
    return app
