"""Visit statistics are counted once per community data version and kept: a write of the service (a visit, a
resident projected from the registry) moves the version, so the next read counts again and is right."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from linli_devtools.asgi import eventually

from visits_helpers import COMMUNITY, TODAY, register

GROUP = "living_alone_elderly_80"
PERIOD = {"from": (TODAY - timedelta(days=7)).isoformat(), "to": TODAY.isoformat()}
STATISTICS = f"/v1/orgs/{COMMUNITY}/visit-statistics"


async def _statistics(visits) -> dict:
    response = await visits.get(STATISTICS, params=PERIOD)
    assert response.status_code == 200, response.text
    return response.json()


async def _visit(visits, resident_id: str) -> None:
    made = await visits.post(f"/v1/communities/{COMMUNITY}/visits", json={
        "resident_id": resident_id, "visited_at": datetime.now(UTC).isoformat(), "met": True})
    assert made.status_code == 201, made.text


async def test_kept_figures_are_served_until_a_write_of_the_service_moves_them(registry, visits, apps):
    db = apps[1].state.visits.db
    elders = [await register(registry, 85 + n, name=f"老人{n}") for n in range(3)]
    await eventually(lambda: _count(db, 3), timeout=20)
    await _visit(visits, elders[0]["id"])
    assert (await _statistics(visits))["visits"] == 1

    # A visit the service did not write (restored by hand, say) waits for the next version: proof of keeping.
    by_hand = {**await db.visits.find_one({}), "_id": "by-hand", "resident_id": elders[1]["id"]}
    await db.visits.insert_one(by_hand)
    assert (await _statistics(visits))["visits"] == 1

    await _visit(visits, elders[2]["id"])
    after_visit = await _statistics(visits)
    assert after_visit["visits"] == 3
    assert after_visit["coverage"][GROUP] == {"members": 3, "visited": 3, "share": 1.0}

    await register(registry, 90, name="老人3")  # projected by visits' consumer: a new member, not yet visited
    await eventually(lambda: _count(db, 4), timeout=20)
    assert (await _statistics(visits))["coverage"][GROUP] == {"members": 4, "visited": 3, "share": 0.75}


async def _count(db, residents: int) -> bool:
    return await db.residents.count_documents({}) == residents
