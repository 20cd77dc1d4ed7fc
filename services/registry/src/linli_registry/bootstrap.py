"""The registry's composition root: production defaults, every piece overridable in tests."""
from __future__ import annotations

from fastapi import FastAPI

from linli_shared.clock import Clock
from linli_shared.http import create_service_app
from linli_shared.privacy import PiiVault
from linli_shared.runtime import ServiceRuntime
from linli_shared.settings import group_rules

from linli_registry.api import households, orgs, residents, statistics
from linli_registry.service_layer.context import Registry
from linli_registry.settings import RegistrySettings
from linli_registry.storage.indexes import INDEXES
from linli_registry.storage.statistics_cache import bump_data_versions


def create_app(settings: RegistrySettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or RegistrySettings()
    runtime = ServiceRuntime(settings, INDEXES)  # the registry consumes no one's events
    runtime.uow.before_commit.append(bump_data_versions)
    app = create_service_app(runtime, [orgs.router, households.router, residents.router, statistics.router],
                             title="Linli registry (居民登记)")
    app.state.registry = Registry(
        uow=runtime.uow, db=runtime.db, rules=group_rules(settings), clock=clock or Clock(settings.timezone),
        vault=PiiVault(settings.pii_key.get_secret_value(), settings.pii_hash_key.get_secret_value()))
    return app
