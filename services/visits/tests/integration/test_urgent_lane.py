"""Life events have a lane of their own: a hospitalisation's task never waits behind the bulk lane's backlog,
and a life event that overtakes its resident's registration still becomes the task once the registration arrives
(also when the two lanes ran at the same moment, each blind to the other).

The bulk lane (`visits-registry-v1`) is held by stopping its runner, as a ledger import's backlog would hold it."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from linli_devtools.asgi import eventually
from linli_shared.events import CloudEvent

from linli_visits.storage.life_events import ParkedLifeEvent

from visits_helpers import COMMUNITY, TODAY, register, tasks_of

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



async def test_a_life_event_parked_blind_to_its_resident_s_registration_is_applied_when_the_bulk_lane_meets_it(ctx):
    """The race of the two lanes: the urgent lane parks the life event while the bulk lane registers the resident,
    each transaction blind to the other, so neither makes the task. The bulk lane carries the life event too."""
    from linli_visits.handlers import registry as handlers
    from linli_visits.storage import life_events

    resident_id, life = "r-raced", {"life_event_id": "le-raced", "kind": "hospitalized", "date": TODAY.isoformat()}
    state = {"resident_id": resident_id, "community_code": COMMUNITY, "household_id": None, "name": "赛跑",
             "gender": "male", "birth_date": (TODAY - timedelta(days=365 * 85)).isoformat(), "status": "active",
             "residence_type": "registered"}
    await ctx.uow.run(lambda tx: handlers.residents_changed(ctx, [_event("resident.registered", state, 1)], tx))
    parked = ParkedLifeEvent(id="le-raced", resident_id=resident_id, community_code=COMMUNITY, kind="hospitalized",
                             date=TODAY, processed=False)
    await ctx.uow.run(lambda tx: life_events.park(tx, parked))
    assert await ctx.db.tasks.count_documents({"resident_id": resident_id, "reason": "hospitalized"}) == 0

    event = _event("resident.life_event_recorded", {**life, "resident_id": resident_id, "community_code": COMMUNITY}, 2)
    await ctx.uow.run(lambda tx: handlers.life_event_recorded(ctx, event, tx))  # the bulk lane's delivery
    await ctx.uow.run(lambda tx: handlers.life_event_recorded(ctx, event, tx))  # and again: no second task

    assert await ctx.db.tasks.count_documents({"resident_id": resident_id, "reason": "hospitalized"}) == 1


def _event(name: str, data: dict, version: int) -> CloudEvent:
    return CloudEvent(id=str(uuid.uuid4()), source="/linli/registry", type=f"linli.registry.{name}.v1",
                      subject=data["resident_id"], time=datetime.now(UTC), data=data, community=COMMUNITY,
                      traceparent="00-" + "a" * 32 + "-" + "b" * 16 + "-01", aggregateversion=version)
