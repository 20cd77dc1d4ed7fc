"""Registry events drive visit tasks: mandatory visits, routine cadences, cancellations."""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from linli_devtools.asgi import eventually

from visits_helpers import COMMUNITY, TODAY, register, tasks_of


async def test_a_hospitalised_80_plus_resident_gets_a_visit_within_3_days(registry, visits):
    elder = await register(registry, 83)
    younger = await register(registry, 70, name="李四")
    day = (TODAY - timedelta(days=1)).isoformat()
    for resident in (elder, younger):
        response = await registry.post(f"/v1/residents/{resident['id']}/life-events",
                                       json={"kind": "hospitalized", "date": day})
        assert response.status_code == 201
    [task] = await eventually(lambda: tasks_of(visits, elder["id"], reason="hospitalized"))
    assert (task["due_from"], task["due_by"], task["status"]) == (
        day, (TODAY + timedelta(days=2)).isoformat(), "open")
    routine = await eventually(lambda: tasks_of(visits, younger["id"], reason="routine"))
    assert routine and await tasks_of(visits, younger["id"], reason="hospitalized") == []


async def test_living_alone_80_plus_are_seen_weekly_and_a_visit_plans_the_next(registry, visits):
    elder = await register(registry, 85)
    [task] = await eventually(lambda: tasks_of(visits, elder["id"], reason="routine"))
    assert task["due_by"] == (TODAY + timedelta(days=7)).isoformat()
    # Just after the committee's midnight, sent in UTC (still yesterday there): the visit counts for today.
    visited_at = datetime.combine(TODAY, time(0, 0, 30), tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(UTC).isoformat()
    not_home = await visits.post(f"/v1/communities/{COMMUNITY}/visits",
                                 json={"resident_id": elder["id"], "visited_at": visited_at, "met": False})
    assert not_home.status_code == 201 and (await tasks_of(visits, elder["id"], status="open"))[0]["id"] == task["id"]
    seen = await visits.post(f"/v1/communities/{COMMUNITY}/visits", json={
        "resident_id": elder["id"], "visited_at": visited_at, "met": True, "observations": "楼道灯坏了",
        "needs": [{"category": "housing", "description": "31栋7单元楼道没电", "urgent": False}],
        "aid": [{"kind": "goods", "description": "米面油", "value_cny": 120}]})
    assert seen.status_code == 201, seen.text
    assert (seen.json()["task_id"], seen.json()["aid_total_cny"]) == (task["id"], 120.0)
    open_tasks = await tasks_of(visits, elder["id"], status="open")
    assert [t["due_by"] for t in open_tasks] == [(TODAY + timedelta(days=7)).isoformat()]
    assert open_tasks[0]["id"] != task["id"]
    twice = await visits.post(f"/v1/communities/{COMMUNITY}/visits", json={
        "resident_id": elder["id"], "task_id": task["id"], "visited_at": visited_at, "met": True})
    assert twice.status_code == 409 and twice.json()["code"] == "task.already_completed"
    needs = (await visits.get(f"/v1/communities/{COMMUNITY}/needs", params={"status": "open"})).json()["items"]
    assert [n["description"] for n in needs] == ["31栋7单元楼道没电"]
    resolved = await visits.post(f"/v1/needs/{needs[0]['id']}/resolve", json={"resolution": "已联系电业局"})
    again = await visits.post(f"/v1/needs/{needs[0]['id']}/resolve", json={"resolution": "x"})
    assert (resolved.json()["status"], again.status_code) == ("resolved", 409)


async def test_death_cancels_everything_pending(registry, visits):
    elder = await register(registry, 88)
    await registry.post(f"/v1/residents/{elder['id']}/life-events",
                        json={"kind": "hospitalized", "date": TODAY.isoformat()})
    await eventually(lambda: tasks_of(visits, elder["id"], reason="hospitalized"))
    await registry.post(f"/v1/residents/{elder['id']}/life-events",
                        json={"kind": "deceased", "date": TODAY.isoformat()})

    async def all_cancelled():
        found = await tasks_of(visits, elder["id"])
        return found if found and all(t["status"] == "cancelled" for t in found) else None

    assert {t["reason"] for t in await eventually(all_cancelled)} == {"routine", "hospitalized"}
