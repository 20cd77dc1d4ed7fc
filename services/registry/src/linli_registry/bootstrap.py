"""The registry's composition root: production defaults, every piece overridable in tests."""
from __future__ import annotations

from fastapi import FastAPI

from linli_shared.clock import Clock
from linli_shared.http import create_service_app
from linli_shared.lease import Lease
from linli_shared.privacy import PiiVault
from linli_shared.runtime import ServiceRuntime
from linli_shared.settings import group_rules
from linli_shared.timers import periodic

from linli_registry.api import audit, exports, households, imports, memberships, orgs, residents, statistics
from linli_registry.service_layer.context import RegistryContext
from linli_registry.service_layer.imports import ImportRunner
from linli_registry.service_layer.queries import warm_statistics
from linli_registry.settings import RegistrySettings
from linli_registry.storage.community_changes import bump_data_versions
from linli_registry.storage.facts import KeptFacts
from linli_registry.storage.indexes import INDEXES
from linli_registry.storage.search_keys import KeptSearchKeys


def create_app(settings: RegistrySettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or RegistrySettings()
    runtime = ServiceRuntime(settings, INDEXES)  # the registry consumes no one's events
    runtime.uow.before_commit.append(bump_data_versions)
    ctx = RegistryContext(
        uow=runtime.uow, db=runtime.db, rules=group_rules(settings), clock=clock or Clock(settings.timezone),
        facts=KeptFacts(settings.facts_kept_communities), search_keys=KeptSearchKeys(settings.facts_kept_communities),
        vault=PiiVault(settings.pii_key.get_secret_value(), settings.pii_hash_key.get_secret_value()),
        id_tail_searches_per_hour=settings.id_tail_searches_per_hour, suppress_below=settings.suppress_below)
    runner = ImportRunner(ctx, runtime.owner, batch_rows=settings.import_batch_rows,
                          lease_seconds=settings.import_lease_seconds, poll_seconds=settings.import_poll_seconds)
    runtime.workers["imports"] = runner.loop
    if settings.statistics_warm_interval_seconds:
        runtime.workers["statistics_warmup"] = periodic(
            "registry.statistics_warmup", Lease(runtime.db, "registry.statistics-warmup", runtime.owner),
            settings.statistics_warm_interval_seconds, lambda: warm_statistics(ctx))
    routers = [orgs.router, households.router, exports.router, residents.router, memberships.router,
               statistics.router, imports.router, audit.router]
    app = create_service_app(runtime, routers, title="Linli registry (居民登记)")
    app.state.registry = ctx  # what api/deps.py hands every route
    app.state.import_runner = runner  # api/imports.py's (engineer R2's): the runner to ring, the upload limit
    app.state.import_max_bytes = settings.import_max_bytes
    return app
