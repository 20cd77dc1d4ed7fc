"""Every text and list a caller sends is bounded: an oversize value is a 422 naming the field, and nothing changes."""
from __future__ import annotations

from datetime import UTC, datetime

from linli_devtools.problems import assert_refused

from visits_helpers import COMMUNITY

HUGE = "x" * 400_000
NEED = {"category": "生活照料", "description": "需要助浴"}
AID = {"kind": "goods", "description": "米面油", "value_cny": 200}


async def stored(apps) -> dict[str, int]:
    db = apps[1].state.visits.db
    return {name: await db[name].count_documents({}) for name in ("visits", "needs", "outbox")}


async def test_an_oversize_visit_record_is_a_422_naming_the_field_and_stores_nothing(visits, apps):
    visit = {"resident_id": "r-1", "visited_at": datetime.now(UTC).isoformat(), "met": True}
    cases = [
        ({"observations": HUGE}, ["observations"]),
        ({"needs": [{**NEED, "description": HUGE}]}, ["needs", 0, "description"]),
        ({"needs": [{**NEED, "category": HUGE}]}, ["needs", 0, "category"]),
        ({"needs": [NEED] * 51}, ["needs"]),
        ({"aid": [{**AID, "description": HUGE}]}, ["aid", 0, "description"]),
        ({"aid": [AID] * 51}, ["aid"]),
        ({"resident_id": HUGE}, ["resident_id"]),
        ({"visitor": HUGE}, ["visitor"]),
    ]
    before = await stored(apps)
    for change, field in cases:
        response = await visits.post(f"/v1/communities/{COMMUNITY}/visits", json={**visit, **change})
        assert_refused(response, field)
    assert await stored(apps) == before


async def test_an_oversize_resolution_or_policy_is_a_422_and_changes_nothing(visits):
    policy_url = f"/v1/communities/{COMMUNITY}/visit-policy"
    policy = (await visits.get(policy_url)).json()

    resolution = await visits.post("/v1/needs/n-1/resolve", json={"resolution": HUGE})
    groups = await visits.put(policy_url, json={**policy, "mandatory_groups": [HUGE]})

    assert_refused(resolution, ["resolution"])
    assert_refused(groups, ["mandatory_groups", 0])
    assert (await visits.get(policy_url)).json() == policy
