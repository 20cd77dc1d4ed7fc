"""Officers see aggregates only: an employment figure behind fewer residents than LINLI_SUPPRESS_BELOW is hidden
from them, with whatever it could be worked out from; the community sees its exact figures."""
from __future__ import annotations

from typing import AsyncIterator

import httpx
import pytest

from linli_devtools.asgi import client, eventually

from employment_helpers import COMMUNITY, DISTRICT, OTHER, STREET, TODAY, active_seeker, resident

PERIOD = {"from": TODAY.isoformat(), "to": TODAY.isoformat()}


@pytest.fixture
async def officer(apps, make_token) -> AsyncIterator[httpx.AsyncClient]:
    async with client(apps[1], make_token(roles=["officer"], scope=[DISTRICT], sub="district-officer")) as c:
        yield c


async def _three_4050_seekers_and_five_others(registry, employment) -> None:
    for n in range(3):
        person = await resident(registry, 45 + n, "female", employment_status="unemployed", name=f"求职{n}")
        await active_seeker(employment, person["id"], ["cleaning"])
    for n in range(5):
        person = await resident(registry, 25 + n, "male", employment_status="unemployed", name=f"青年{n}")
        await active_seeker(employment, person["id"], ["cleaning"])


async def _statistics(client, code: str = STREET) -> dict:
    response = await client.get(f"/v1/orgs/{code}/employment-statistics", params=PERIOD)
    assert response.status_code == 200, response.text
    return response.json()


async def test_an_officer_sees_3_seekers_4050_suppressed_while_the_community_sees_3(registry, employment, officer):
    await _three_4050_seekers_and_five_others(registry, employment)

    seen = await _statistics(officer)
    # 3 of the 8 are 4050: hidden; the 8 stays, as the other 5 are not shown to subtract.
    assert (seen["seekers_4050"], seen["seekers"]) == (None, 8)
    assert seen["suppressed"] == ["seekers_4050"] and seen["suppressed_below"] == 5
    assert seen["placements"] == 0  # zero is shown

    own = await _statistics(employment, COMMUNITY)
    assert (own["seekers_4050"], own["seekers"], own["suppressed"], own["suppressed_below"]) == (3, 8, [], None)


@pytest.mark.parametrize("service_env", [{"LINLI_SUPPRESS_BELOW": "3"}])
async def test_the_threshold_is_the_setting_LINLI_SUPPRESS_BELOW(registry, employment, officer):
    await _three_4050_seekers_and_five_others(registry, employment)

    seen = await _statistics(officer)
    assert (seen["seekers_4050"], seen["seekers"], seen["suppressed_below"]) == (3, 8, 3)


async def test_a_community_hidden_beside_a_small_one_in_the_street_is_hidden_on_its_own_page_too(
        registry, apps, officer, make_token):
    for n in range(3):
        await resident(registry, 30 + n, "male", COMMUNITY, employment_status="unemployed", name=f"工农{n}")
    for n in range(5):
        await resident(registry, 30 + n, "male", OTHER, employment_status="unemployed", name=f"建树{n}")

    async def listed() -> bool:
        return await apps[1].state.employment.db.seekers.count_documents({}) == 8

    await eventually(listed, timeout=20)
    assert (await _statistics(officer))["seekers"] == 8
    # 建树里's 5 is hidden on its own page as well, or the street's 8 minus it would be 工农里's 3.
    assert (await _statistics(officer, COMMUNITY))["seekers"] is None
    assert (await _statistics(officer, OTHER))["seekers"] is None
    async with client(apps[1], make_token(roles=["admin"], scope=[DISTRICT])) as district_admin:
        assert (await _statistics(district_admin, OTHER))["seekers"] == 5
