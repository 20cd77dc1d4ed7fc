"""The reports service's composition root: production defaults, every piece overridable in tests."""
from __future__ import annotations

from fastapi import FastAPI

from linli_shared.clock import Clock
from linli_shared.http import create_service_app
from linli_shared.runtime import ServiceRuntime
from linli_shared.settings import group_rules

from linli_reports.api import reports, templates
from linli_reports.service_layer.context import Reports
from linli_reports.settings import ReportsSettings
from linli_reports.storage.indexes import INDEXES
from linli_reports.subscriptions import subscriptions


def create_app(settings: ReportsSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or ReportsSettings()
    runtime = ServiceRuntime(settings, INDEXES)
    ctx = Reports(uow=runtime.uow, db=runtime.db, clock=clock or Clock(settings.timezone), rules=group_rules(settings),
                  suppress_below=settings.suppress_below)
    runtime.subscriptions = subscriptions(ctx)
    app = create_service_app(runtime, [templates.router, reports.router], title="Linli reports (一表通)")
    app.state.reports = ctx
    return app
