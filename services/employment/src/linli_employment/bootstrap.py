"""The employment service's composition root: production defaults, every piece overridable in tests."""
from __future__ import annotations

from fastapi import FastAPI

from linli_shared.clock import Clock
from linli_shared.http import create_service_app
from linli_shared.lease import Lease
from linli_shared.runtime import ServiceRuntime
from linli_shared.settings import group_rules
from linli_shared.timers import periodic

from linli_employment.api import jobs, referrals, seekers
from linli_employment.service_layer.context import Employment
from linli_employment.service_layer.followups import announce_due
from linli_employment.settings import EmploymentSettings
from linli_employment.storage.indexes import INDEXES
from linli_employment.storage.kept_seekers import bump_seeker_versions
from linli_employment.subscriptions import subscriptions


def create_app(settings: EmploymentSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or EmploymentSettings()
    runtime = ServiceRuntime(settings, INDEXES)
    runtime.uow.before_commit.append(bump_seeker_versions)
    ctx = Employment(uow=runtime.uow, db=runtime.db, clock=clock or Clock(settings.timezone),
                     rules=group_rules(settings), suppress_below=settings.suppress_below)
    runtime.subscriptions = subscriptions(ctx)
    runtime.workers["follow_ups"] = periodic(
        "employment.follow_ups", Lease(runtime.db, "employment.follow-ups", runtime.owner),
        settings.follow_up_interval_seconds, lambda: announce_due(ctx))
    app = create_service_app(runtime, [seekers.router, jobs.router, referrals.router], title="Linli employment (就业)")
    app.state.employment = ctx
    return app
