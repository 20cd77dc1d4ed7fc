"""Registry and visits side by side on real NATS and the real store: registry events drive visits."""
from __future__ import annotations

import pytest

from linli_devtools import side_by_side

from linli_visits.bootstrap import create_app
from linli_visits.settings import VisitsSettings

from visits_helpers import DISTRICT

clock = side_by_side.clock
apps = side_by_side.registry_beside(create_app, VisitsSettings, "v", sweep_interval_seconds=3600)
registry = side_by_side.registry_admin(perms=["pii:read"])
visits = side_by_side.service_client(["admin"], DISTRICT, "admin-1")


@pytest.fixture
def ctx(apps):
    """The visits use-case context, for running the sweep as its timer would."""
    return apps[1].state.visits
