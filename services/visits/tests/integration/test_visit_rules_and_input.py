"""Bad input is a specific 4xx that changes nothing; assignment, pairing, campaigns, follow-ups, statistics."""
from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import nats

from linli_devtools.asgi import eventually
from linli_devtools.streams import read_stream
from linli_shared.bus import StreamSpec
from linli_shared.events import CloudEvent

from visits_helpers import COMMUNITY, OTHER, TODAY, register, tasks_of

NOW = datetime.now(UTC)


async def test_bad_visits_and_policies_are_refused(registry, visits, apps):
    elder = await register(registry, 84)
    [task] = await eventually(lambda: tasks_of(visits, elder["id"], reason="routine"))
    cases = [
        ({"resident_id": elder["id"], "visited_at": (NOW + timedelta(hours=2)).isoformat(), "met": True},
         COMMUNITY, 422, "visit.visited_at.future"),
        ({"resident_id": elder["id"], "visited_at": NOW.isoformat(), "met": True}, OTHER, 422,
         "visit.resident.other_community"),
        ({"resident_id": elder["id"], "visited_at": "2026-01-01T10:00:00", "met": True}, COMMUNITY, 422,
         "timezone_aware"),
        ({"resident_id": elder["id"], "visited_at": NOW.isoformat(), "met": True, "method": "pigeon"}, COMMUNITY, 422,
         "literal_error"),
    ]
    for body, community, status, code in cases:
        response = await visits.post(f"/v1/communities/{community}/visits", json=body)
        assert response.status_code == status, response.text
        assert code in [e["code"] for e in response.json().get("errors", [])] + [response.json()["code"]]
    assert await apps[1].state.visits.db.visits.count_documents({}) == 0
    assert (await tasks_of(visits, elder["id"]))[0]["status"] == "open"
    policy = await visits.get(f"/v1/communities/{COMMUNITY}/visit-policy")
    bad = {**policy.json(), "cadences": [{"group": "living_alone_elderly", "every_days": -7}]}
    refused = await visits.put(f"/v1/communities/{COMMUNITY}/visit-policy", json=bad)
    assert refused.status_code == 422
    assert (await visits.get(f"/v1/communities/{COMMUNITY}/visit-policy")).json() == policy.json()


async def test_assignment_stays_inside_the_community(registry, visits):
    elder = await register(registry, 86)
    [task] = await eventually(lambda: tasks_of(visits, elder["id"], reason="routine"))
    own = (await registry.post(f"/v1/orgs/{COMMUNITY}/staff", json={"name": "陈社工", "role": "worker"})).json()
    other = (await registry.post(f"/v1/orgs/{OTHER}/staff", json={"name": "外社工", "role": "worker"})).json()

    async def staff_known():
        response = await visits.post(f"/v1/visit-tasks/{task['id']}/assign", json={"staff_id": other["id"]})
        return response if response.status_code != 422 or response.json()["code"] != "task.assignee.unknown" else None

    refused = await eventually(staff_known)
    assert (refused.status_code, refused.json()["code"]) == (422, "task.assignee.other_community")
    assigned = await visits.post(f"/v1/visit-tasks/{task['id']}/assign", json={"staff_id": own["id"]})
    assert (assigned.status_code, assigned.json()["assignee"]) == (200, own["id"])


async def test_a_paired_volunteer_carries_the_routine_visits(registry, visits, nats_url):
    elder = await register(registry, 82)
    volunteer = await register(registry, 62, name="志愿者", volunteer={"skills": ["陪伴"]})
    await eventually(lambda: tasks_of(visits, elder["id"], reason="routine"))
    await eventually(lambda: tasks_of(visits, volunteer["id"]))
    paired = await visits.post("/v1/pairings", json={"volunteer_id": volunteer["id"], "elder_id": elder["id"]})
    twice = await visits.post("/v1/pairings", json={"volunteer_id": volunteer["id"], "elder_id": elder["id"]})
    not_volunteer = await visits.post("/v1/pairings", json={"volunteer_id": elder["id"], "elder_id": volunteer["id"]})
    assert (paired.status_code, twice.status_code, not_volunteer.status_code) == (201, 409, 422)
    [task] = await tasks_of(visits, elder["id"], reason="routine")
    assert task["assignee"] == f"volunteer:{volunteer['id']}"
    assigned = await read_stream(nats_url, expected=2, subject="linli.visits.task.assigned.v1.>", timeout=3)
    assert [json.loads(m.data)["data"]["assignee"] for m in assigned] == [f"volunteer:{volunteer['id']}"]
    ended = await visits.delete(f"/v1/pairings/{paired.json()['id']}")
    [after] = await tasks_of(visits, elder["id"], reason="routine")
    assert (ended.status_code, after["assignee"]) == (204, None)


async def test_a_spring_festival_campaign_and_its_progress(registry, visits):
    elders = [await register(registry, 81 + i, name=f"老人{i}") for i in range(3)]  # 80+ on the festival day too
    await register(registry, 50, name="中年")
    await eventually(lambda: tasks_of(visits, elders[-1]["id"]))
    body = {"festival": "spring_festival", "year": 2026, "target_groups": ["elderly_80"], "name": "春节慰问",
            "aid_plan": {"kind": "goods", "description": "年货", "value_cny": 300}}
    started = await visits.post(f"/v1/communities/{COMMUNITY}/campaigns", json=body)
    duplicate = await visits.post(f"/v1/communities/{COMMUNITY}/campaigns", json=body)
    unknown = await visits.post(f"/v1/communities/{COMMUNITY}/campaigns", json={**body, "target_groups": ["pirates"]})
    assert (started.status_code, duplicate.status_code, unknown.status_code) == (201, 409, 422)
    campaign = started.json()
    assert (campaign["festival_date"], campaign["targets"]) == ("2026-02-17", 3)
    [festival_task] = await tasks_of(visits, elders[0]["id"], reason="festival")
    assert (festival_task["due_from"], festival_task["due_by"]) == ("2026-02-10", "2026-02-20")
    visit = await visits.post(f"/v1/communities/{COMMUNITY}/visits", json={
        "resident_id": elders[0]["id"], "task_id": festival_task["id"], "visited_at": NOW.isoformat(), "met": True,
        "aid": [{"kind": "cash", "description": "慰问金", "value_cny": 300}]})
    assert visit.status_code == 201, visit.text
    progress = (await visits.get(f"/v1/campaigns/{campaign['id']}")).json()
    assert (progress["visited"], progress["open"], progress["aid_total_cny"]) == (1, 2, 300.0)


async def test_a_job_placement_brings_a_follow_up_a_month_later(registry, visits, apps, nats_url):
    resident = await register(registry, 45, employment_status="unemployed")
    await eventually(lambda: apps[1].state.visits.db.residents.find_one({"_id": resident["id"]}))
    await apps[1].state.runtime.bus.ensure_stream(StreamSpec("EMPLOYMENT", ("linli.employment.>",)))
    start = TODAY - timedelta(days=2)
    event = CloudEvent(id=str(uuid.uuid4()), source="/linli/employment", type="linli.employment.placement.started.v1",
                       subject="placement-1", time=NOW, community=COMMUNITY, aggregateversion=1,
                       traceparent="00-" + "c" * 32 + "-" + "d" * 16 + "-01",
                       data={"placement_id": "placement-1", "resident_id": resident["id"],
                             "community_code": COMMUNITY, "start_date": start.isoformat(), "wage_cny": 2600})
    nc = await nats.connect(nats_url)
    await nc.jetstream().publish(event.nats_subject, event.model_dump_json().encode(),
                                 headers={"Nats-Msg-Id": event.id})
    await nc.close()
    [task] = await eventually(lambda: tasks_of(visits, resident["id"], reason="follow_up"), timeout=20)
    assert task["due_from"] == (start + timedelta(days=30)).isoformat()


async def test_statistics_show_coverage_overdue_reasons_and_aid(registry, visits, ctx, clock):
    seen, unseen = await register(registry, 85, name="已访"), await register(registry, 88, name="未访")
    await eventually(lambda: tasks_of(visits, unseen["id"], reason="routine"))
    await eventually(lambda: tasks_of(visits, seen["id"], reason="routine"))
    await visits.post(f"/v1/communities/{COMMUNITY}/visits", json={
        "resident_id": seen["id"], "visited_at": NOW.isoformat(), "met": True,
        "aid": [{"kind": "goods", "description": "米面油", "value_cny": 150}]})
    params = {"from": (TODAY - timedelta(days=7)).isoformat(), "to": TODAY.isoformat()}
    stats = (await visits.get("/v1/orgs/130303001/visit-statistics", params=params)).json()
    assert stats["coverage"]["living_alone_elderly_80"] == {"members": 2, "visited": 1, "share": 0.5}
    assert (stats["visits_by_reason"], stats["aid_total_cny"], stats["per_worker"]) == (
        {"routine": 1}, 150.0, {"admin-1": 1})
    inverted = await visits.get("/v1/orgs/130303001/visit-statistics",
                                params={"from": params["to"], "to": params["from"]})
    assert inverted.status_code == 422
