"""Registry and employment side by side on real NATS and the real store: registry events make seekers."""
from __future__ import annotations

import pytest

from linli_devtools import side_by_side

from linli_employment.bootstrap import create_app
from linli_employment.settings import EmploymentSettings

from employment_helpers import COMMUNITY

clock = side_by_side.clock
apps = side_by_side.registry_beside(create_app, EmploymentSettings, "e", follow_up_interval_seconds=3600)
registry = side_by_side.registry_admin(perms=[])  # employment's tests see the registry's data masked
employment = side_by_side.service_client(["worker"], COMMUNITY, "worker-1")


@pytest.fixture
def ctx(apps):
    return apps[1].state.employment
