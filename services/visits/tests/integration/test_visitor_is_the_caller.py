"""A visit record names who was at the door: the caller, or a staff member of the community named by an admin."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from linli_devtools.asgi import client, eventually

from visits_helpers import COMMUNITY, DISTRICT, OTHER, register

NOW = datetime.now(UTC).isoformat()


@pytest.fixture
async def staff(registry, apps) -> dict[str, str]:
    """One staff member of the community and one of the other, both known to visits."""
    own = (await registry.post(f"/v1/orgs/{COMMUNITY}/staff", json={"name": "陈社工", "role": "worker"})).json()
    other = (await registry.post(f"/v1/orgs/{OTHER}/staff", json={"name": "外社工", "role": "worker"})).json()
    projection = apps[1].state.visits.db.staff
    for staff_id in (own["id"], other["id"]):
        await eventually(lambda staff_id=staff_id: projection.count_documents({"_id": staff_id}))
    return {"own": own["id"], "other": other["id"]}


async def _record(visits, elder: dict, **body):
    return await visits.post(f"/v1/communities/{COMMUNITY}/visits",
                             json={"resident_id": elder["id"], "visited_at": NOW, "met": True, **body})


async def test_a_worker_records_only_their_own_visits(registry, apps, make_token, staff):
    elder = await register(registry, 84)
    async with client(apps[1], make_token(roles=["worker"], scope=[COMMUNITY], sub="worker-1")) as worker:
        await eventually(lambda: apps[1].state.visits.db.residents.count_documents({"_id": elder["id"]}))
        someone_else = await _record(worker, elder, visitor=staff["own"])
        assert (someone_else.status_code, someone_else.json()["code"]) == (403, "visit.visitor.not_caller")
        assert await apps[1].state.visits.db.visits.count_documents({}) == 0
        for named in ({}, {"visitor": "worker-1"}):
            recorded = await _record(worker, elder, **named)
            assert (recorded.status_code, recorded.json()["visitor"]) == (201, "worker-1"), recorded.text


async def test_an_admin_may_name_a_staff_member_of_the_community_only(registry, apps, make_token, staff):
    elder = await register(registry, 85)
    async with client(apps[1], make_token(roles=["admin"], scope=[DISTRICT], sub="admin-1")) as admin:
        await eventually(lambda: apps[1].state.visits.db.residents.count_documents({"_id": elder["id"]}))
        for named in (staff["other"], "nobody-at-all"):
            refused = await _record(admin, elder, visitor=named)
            assert (refused.status_code, refused.json()["code"]) == (422, "visit.visitor.unknown"), refused.text
        assert await apps[1].state.visits.db.visits.count_documents({}) == 0
        recorded = await _record(admin, elder, visitor=staff["own"])
        assert (recorded.status_code, recorded.json()["visitor"]) == (201, staff["own"]), recorded.text
        assert (await _record(admin, elder)).json()["visitor"] == "admin-1"
