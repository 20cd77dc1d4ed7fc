"""Officers see aggregates only: a visit figure behind fewer residents than LINLI_SUPPRESS_BELOW is hidden from
them, with whatever it could be worked out from; the community sees its exact figures."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import AsyncIterator

import httpx
import pytest

from linli_devtools.asgi import client, eventually

from visits_helpers import COMMUNITY, DISTRICT, STREET, TODAY, register

GROUP = "living_alone_elderly_80"
PERIOD = {"from": (TODAY - timedelta(days=7)).isoformat(), "to": TODAY.isoformat()}


@pytest.fixture
async def officer(apps, make_token) -> AsyncIterator[httpx.AsyncClient]:
    async with client(apps[1], make_token(roles=["officer"], scope=[DISTRICT], sub="district-officer")) as c:
        yield c


async def _three_elders_one_visited(registry, visits, apps) -> None:
    """Three living-alone people over 80 in 工农里; one of them visited (met, with aid) this week."""
    elders = [await register(registry, 85 + n, name=f"老人{n}") for n in range(3)]

    async def projected() -> bool:
        return await apps[1].state.visits.db.residents.count_documents({}) == 3

    await eventually(projected, timeout=20)
    visited = await visits.post(f"/v1/communities/{COMMUNITY}/visits", json={
        "resident_id": elders[0]["id"], "visited_at": datetime.now(UTC).isoformat(), "met": True,
        "aid": [{"kind": "goods", "description": "米面油", "value_cny": 150}]})
    assert visited.status_code == 201, visited.text


async def _statistics(client, code: str = STREET) -> dict:
    response = await client.get(f"/v1/orgs/{code}/visit-statistics", params=PERIOD)
    assert response.status_code == 200, response.text
    return response.json()


async def test_an_officer_sees_a_group_of_3_suppressed_while_the_community_admin_sees_3(
        registry, visits, officer, apps):
    await _three_elders_one_visited(registry, visits, apps)

    seen = await _statistics(officer)
    assert seen["coverage"][GROUP] == {"members": None, "visited": None, "share": None}
    assert (seen["visits"], seen["aid_total_cny"], seen["visits_by_reason"]) == (None, None, {"routine": None})
    assert seen["per_worker"] is None  # staff figures, but they add up to the hidden visits
    assert {f"coverage.{GROUP}.members", "visits", "aid_total_cny", "per_worker"} <= set(seen["suppressed"])
    assert seen["suppressed_below"] == 5 and seen["overdue_tasks"] == 0  # zero is shown

    own = await _statistics(visits, COMMUNITY)
    assert own["coverage"][GROUP] == {"members": 3, "visited": 1, "share": round(1 / 3, 4)}
    assert (own["visits"], own["aid_total_cny"], own["suppressed"], own["suppressed_below"]) == (1, 150.0, [], None)


@pytest.mark.parametrize("service_env", [{"LINLI_SUPPRESS_BELOW": "3"}])
async def test_the_threshold_is_the_setting_LINLI_SUPPRESS_BELOW(registry, visits, officer, apps):
    await _three_elders_one_visited(registry, visits, apps)

    seen = await _statistics(officer)
    assert seen["suppressed_below"] == 3
    assert seen["coverage"][GROUP]["members"] == 3
    # 1 visited of 3: the visited and the 2 not visited are both small, so the members' split is hidden.
    assert seen["coverage"][GROUP]["visited"] is None and seen["coverage"][GROUP]["share"] is None
