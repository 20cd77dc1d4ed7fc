"""Life events have a lane of their own: a hospitalisation's task never waits behind the bulk lane's backlog,
and a life event that overtakes its resident's registration still becomes the task once the registration arrives.

The bulk lane (`visits-registry-v1`) is held by stopping its runner, as a ledger import's backlog would hold it."""
from __future__ import annotations

from linli_devtools.asgi import eventually

from visits_helpers import TODAY, register, tasks_of

LIFE_EVENT = "linli.registry.resident.life_event_recorded.v1"


def _runner(apps, durable: str):
    [runner] = [r for r in apps[1].state.runtime.consumers if r.durable == durable]
    return runner


async def _hospitalized(registry, resident_id: str) -> None:
    response = await registry.post(f"/v1/residents/{resident_id}/life-events",
                                   json={"kind": "hospitalized", "date": TODAY.isoformat()})
    assert response.status_code == 201, response.text


async def test_a_hospitalisation_becomes_its_task_while_the_bulk_lane_is_held(registry, visits, apps):
    elder = await register(registry, 85)
    await eventually(lambda: apps[1].state.visits.db.residents.find_one({"_id": elder["id"]}))
    bulk = _runner(apps, "visits-registry-v1")
    await bulk.stop()
    try:
        await _hospitalized(registry, elder["id"])
        [task] = await eventually(lambda: tasks_of(visits, elder["id"], reason="hospitalized"))
        assert task["status"] == "open"
    finally:
        await bulk.start()


async def test_a_life_event_that_overtakes_the_registration_becomes_the_task_when_the_resident_arrives(
        registry, visits, apps):
    db = apps[1].state.visits.db
    bulk = _runner(apps, "visits-registry-v1")
    await bulk.stop()
    try:
        elder = await register(registry, 85)  # its registration waits on the held bulk lane
        await _hospitalized(registry, elder["id"])
        urgent_inbox = {"_id": {"$regex": "^visits-registry-urgent-v1:"}, "type": LIFE_EVENT}
        await eventually(lambda: db.inbox.find_one(urgent_inbox))
        assert await db.residents.find_one({"_id": elder["id"]}) is None
        assert await tasks_of(visits, elder["id"]) == []  # parked: nothing to plan from yet
    finally:
        await bulk.start()
    tasks = await eventually(lambda: tasks_of(visits, elder["id"], reason="hospitalized"))
    assert [t["status"] for t in tasks] == ["open"]


async def test_the_single_lane_durable_of_an_earlier_release_is_narrowed_in_place_at_start(registry, apps):
    await register(registry, 85)
    bulk = _runner(apps, "visits-registry-v1")
    js = apps[1].state.runtime.bus.js
    await eventually(lambda: apps[1].state.visits.db.residents.count_documents({}))
    await bulk.stop()
    earlier = (await js.consumer_info("REGISTRY", bulk.durable)).config
    earlier.filter_subjects = [*bulk.subscription.filter_subjects, f"{LIFE_EVENT}.>"]  # life events in the bulk
    await js.add_consumer("REGISTRY", config=earlier)
    position = (await js.consumer_info("REGISTRY", bulk.durable)).ack_floor.stream_seq

    await bulk.start()

    info = await js.consumer_info("REGISTRY", bulk.durable)
    assert sorted(info.config.filter_subjects) == sorted(bulk.subscription.filter_subjects)
    assert f"{LIFE_EVENT}.>" not in info.config.filter_subjects and info.ack_floor.stream_seq == position > 0
