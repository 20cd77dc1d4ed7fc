"""A move the stored state no longer allows is refused with its own problem, and the first move stands."""
from __future__ import annotations

from datetime import UTC, datetime

from linli_devtools.asgi import eventually

from visits_helpers import COMMUNITY, register, tasks_of


async def test_a_need_is_resolved_once_and_a_completed_task_is_no_longer_assigned(registry, visits):
    elder = await register(registry, 87)
    [task] = await eventually(lambda: tasks_of(visits, elder["id"], reason="routine"))
    seen = await visits.post(f"/v1/communities/{COMMUNITY}/visits", json={
        "resident_id": elder["id"], "visited_at": datetime.now(UTC).isoformat(), "met": True,
        "needs": [{"category": "health", "description": "需要轮椅"}]})
    assert seen.status_code == 201, seen.text
    [need_id] = seen.json()["needs"]

    first = await visits.post(f"/v1/needs/{need_id}/resolve", json={"resolution": "已借到轮椅"})
    again = await visits.post(f"/v1/needs/{need_id}/resolve", json={"resolution": "别的说法"})
    assert (first.status_code, first.json()["resolution"], first.json()["resolved_by"]) == (
        200, "已借到轮椅", "admin-1")
    assert (again.status_code, again.json()["code"]) == (409, "need.already_resolved")
    [need] = (await visits.get(f"/v1/communities/{COMMUNITY}/needs", params={"status": "resolved"})).json()["items"]
    assert (need["id"], need["resolution"]) == (need_id, "已借到轮椅")

    [completed] = await tasks_of(visits, elder["id"], status="completed")
    assert (completed["id"], completed["visit_id"], completed["version"]) == (task["id"], seen.json()["id"], 2)
    refused = await visits.post(f"/v1/visit-tasks/{task['id']}/assign", json={"staff_id": "anyone"})
    assert (refused.status_code, refused.json()["code"]) == (409, "task.not_pending")
    assert (await tasks_of(visits, elder["id"], status="completed")) == [completed]
