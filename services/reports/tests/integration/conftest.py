"""Registry and reports side by side on real NATS and the real store; visits and employment events are
published onto their streams as those services' relays would."""
from __future__ import annotations

import pytest

from linli_devtools import side_by_side

from linli_reports.bootstrap import create_app
from linli_reports.settings import ReportsSettings

from reports_helpers import COMMUNITY, DISTRICT, STREET

clock = side_by_side.clock
apps = side_by_side.registry_beside(create_app, ReportsSettings, "rep")
registry = side_by_side.registry_admin(perms=["pii:read"])
district = side_by_side.service_client(["admin"], DISTRICT, "district-admin")
street = side_by_side.service_client(["admin"], STREET, "street-admin")
community = side_by_side.service_client(["admin"], COMMUNITY, "community-admin")
officer = side_by_side.service_client(["officer"], STREET, "street-officer")


@pytest.fixture
def store(apps):
    return apps[1].state.reports.db
