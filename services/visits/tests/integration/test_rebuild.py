"""A new visits instance rebuilds its projection from the REGISTRY stream and plans the same tasks."""
from __future__ import annotations

from asgi_lifespan import LifespanManager

from linli_devtools.asgi import eventually
from linli_shared.clock import Clock

from linli_visits.bootstrap import create_app
from linli_visits.settings import VisitsSettings

from visits_helpers import register, tasks_of

FIELDS = {"_id": 1, "version": 1, "status": 1, "birth_date": 1, "household_id": 1, "name": 1}


async def test_a_fresh_instance_rebuilds_the_same_projection_and_tasks(registry, visits, apps, mongo_url, nats_url,
                                                                       db_name):
    residents = [await register(registry, age, name=f"居民{age}") for age in (45, 72, 84, 91)]
    await registry.post(f"/v1/residents/{residents[1]['id']}/life-events", json={"kind": "moved_out",
                                                                                "date": "2026-01-01"})
    original = apps[1].state.visits.db
    await eventually(lambda: original.residents.find_one({"_id": residents[1]["id"], "status": "moved_out"}))
    expected = await original.residents.find({}, FIELDS).sort("_id", 1).to_list()
    expected_tasks = sorted((t["resident_id"], t["reason"], t["status"]) for t in await original.tasks.find().to_list())
    # Ops' rebuild: stop the service (its consumers: a running one would create its durables again and share
    # their messages with the fresh instance), delete the durables, start on a new database: the stream replays.
    runtime = apps[1].state.runtime
    for runner in runtime.consumers:
        await runner.stop()
    for durable in ("visits-registry-v1", "visits-registry-urgent-v1"):
        await runtime.bus.js.delete_consumer("REGISTRY", durable)
    fresh = create_app(VisitsSettings(mongo_url=mongo_url, nats_url=nats_url, mongo_db=f"{db_name}_rebuilt",
                                      environment="test"), Clock())
    async with LifespanManager(fresh, startup_timeout=60):
        db = fresh.state.visits.db

        async def rebuilt():
            docs = await db.residents.find({}, FIELDS).sort("_id", 1).to_list()
            return docs if docs == expected else None

        assert await eventually(rebuilt, timeout=20) == expected
        tasks = sorted((t["resident_id"], t["reason"], t["status"]) for t in await db.tasks.find().to_list())
        assert tasks == expected_tasks
    moved_out = await tasks_of(visits, residents[1]["id"])
    assert len(expected) == 4 and moved_out and {t["status"] for t in moved_out} == {"cancelled"}
