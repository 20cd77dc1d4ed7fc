"""Events twice, out of order, or early end in the same state; overdue fires once; lunar birthdays."""
from __future__ import annotations

from datetime import timedelta

import nats

from linli_devtools.asgi import eventually
from linli_devtools.streams import read_stream
from linli_shared.events import CloudEvent

from linli_visits.service_layer.sweep import sweep

from visits_helpers import COMMUNITY, TODAY, register, tasks_of


async def _registry_events(nats_url: str, resident_id: str, expected: int) -> list:
    messages = await read_stream(nats_url, expected=expected, subject="linli.registry.resident.>")
    return [m for m in messages if CloudEvent.model_validate_json(m.data).subject == resident_id]


async def _republish(nats_url: str, msg, msg_id: str) -> None:
    """Put an event on the bus again, past JetStream's de-duplication: a redelivery or replay."""
    nc = await nats.connect(nats_url)
    try:
        await nc.jetstream().publish(msg.subject, msg.data, headers={"Nats-Msg-Id": msg_id})
    finally:
        await nc.close()


async def test_duplicates_and_stale_states_change_nothing(registry, visits, nats_url, apps):
    elder = await register(registry, 81)
    moved = await registry.patch(f"/v1/residents/{elder['id']}", json={"health": "poor"}, headers={"If-Match": '"1"'})
    assert moved.status_code == 200
    registered, updated = await _registry_events(nats_url, elder["id"], expected=2)
    db = apps[1].state.visits.db
    await eventually(lambda: db.residents.find_one({"_id": elder["id"], "version": 2}))
    before = await tasks_of(visits, elder["id"])
    await _republish(nats_url, registered, "replay-1")  # stale: version 1 after version 2
    await _republish(nats_url, updated, "replay-2")  # the same event id again: the inbox skips it
    replayed = "replay|" + registered.headers["Nats-Msg-Id"]
    await eventually(lambda: db.inbox.count_documents({"_id": {"$regex": replayed}}))
    await eventually(lambda: _consumed(db, 2))
    assert (await db.residents.find_one({"_id": elder["id"]}))["version"] == 2
    assert await tasks_of(visits, elder["id"]) == before


async def _consumed(db, n: int) -> bool:
    return await db.inbox.count_documents({"type": {"$regex": "resident"}}) >= n


async def test_a_life_event_arriving_before_its_resident_is_applied_when_the_resident_arrives(ctx, apps):
    from linli_visits.handlers import registry as handlers

    resident_id = "r-early"
    life = {"life_event_id": "le-1", "resident_id": resident_id, "community_code": COMMUNITY,
            "kind": "hospitalized", "date": TODAY.isoformat()}
    state = {"resident_id": resident_id, "community_code": COMMUNITY, "household_id": None, "name": "早到",
             "gender": "male", "birth_date": (TODAY - timedelta(days=365 * 85)).isoformat(), "status": "active",
             "residence_type": "registered"}
    event_life = _event("linli.registry.resident.life_event_recorded.v1", life, resident_id, 2)
    event_state = _event("linli.registry.resident.registered.v1", state, resident_id, 1)
    await ctx.uow.run(lambda tx: handlers.life_event_recorded(ctx, event_life, tx))
    assert await ctx.db.tasks.count_documents({"resident_id": resident_id}) == 0
    await ctx.uow.run(lambda tx: handlers.residents_changed(ctx, [event_state], tx))
    await ctx.uow.run(lambda tx: handlers.life_event_recorded(ctx, event_life, tx))  # and again: no second task
    reasons = sorted(t["reason"] for t in await ctx.db.tasks.find({"resident_id": resident_id}).to_list())
    assert reasons == ["hospitalized"]  # 85 with no household on record: no routine cadence applies


def _event(event_type: str, data: dict, subject: str, version: int) -> CloudEvent:
    import uuid
    from datetime import UTC, datetime

    return CloudEvent(id=str(uuid.uuid4()), source="/linli/registry", type=event_type, subject=subject,
                      time=datetime.now(UTC), data=data, community=COMMUNITY,
                      traceparent="00-" + "a" * 32 + "-" + "b" * 16 + "-01", aggregateversion=version)


async def test_overdue_fires_exactly_once(registry, visits, ctx, nats_url, clock):
    elder = await register(registry, 90)
    [task] = await eventually(lambda: tasks_of(visits, elder["id"], reason="routine"))
    clock.advance(timedelta(days=8))
    first, second = await sweep(ctx), await sweep(ctx)
    assert (first.overdue, second.overdue) == (1, 0)
    [overdue] = await tasks_of(visits, elder["id"], status="overdue")
    assert overdue["id"] == task["id"]
    messages = await read_stream(nats_url, expected=3, subject="linli.visits.task.overdue.v1.>", timeout=3)
    assert len(messages) == 1


async def test_a_lunar_birthday_lands_on_the_right_solar_date_in_two_years(registry, visits, ctx, clock):
    """Born 1944-10-01, lunar 8/15 (Mid-Autumn): celebrated 2025-10-06 and 2026-09-25, never on 1 October."""
    from datetime import date

    from linli_devtools.people import id_number

    body = {"name": "王中秋", "id_number": id_number(date(1944, 10, 1), "female"), "birthday_calendar": "lunar"}
    elder = (await registry.post(f"/v1/communities/{COMMUNITY}/residents", json=body)).json()
    await eventually(lambda: ctx.db.residents.find_one({"_id": elder["id"]}))
    for today, birthday in ((date(2025, 9, 25), date(2025, 10, 6)), (date(2026, 9, 15), date(2026, 9, 25))):
        clock.set_today(today)
        await sweep(ctx)
        task = await ctx.db.tasks.find_one({"resident_id": elder["id"], "reason": "birthday",
                                            "_id": {"$regex": birthday.isoformat()}})
        assert task is not None, birthday
        assert (task["due_from"], task["due_by"]) == (
            (birthday - timedelta(days=3)).isoformat(), (birthday + timedelta(days=3)).isoformat())


async def test_a_household_registered_in_one_run_is_planned_from_where_the_run_ends(ctx, apps):
    """An elder and her husband in one run: she is planned as an empty nest with him, as if he had come first."""
    from linli_visits.handlers import registry as handlers

    def registered(resident_id: str, household_id: str, years: int) -> CloudEvent:
        state = {"resident_id": resident_id, "community_code": COMMUNITY, "household_id": household_id,
                 "name": "同住", "gender": "female", "birth_date": (TODAY - timedelta(days=365 * years)).isoformat(),
                 "status": "active", "residence_type": "registered"}
        return _event("linli.registry.resident.registered.v1", state, resident_id, 1)

    async def routine_due_by(events: list[list[CloudEvent]], elder: str) -> str:
        household = {"household_id": f"h-{elder}", "community_code": COMMUNITY, "address": {"estate": "工农里"}}
        household_event = _event("linli.registry.household.registered.v1", household, f"h-{elder}", 1)
        await ctx.uow.run(lambda tx: handlers.households_changed(ctx, [household_event], tx))
        for run in events:
            await ctx.uow.run(lambda tx, run=run: handlers.residents_changed(ctx, run, tx))
        return (await ctx.db.tasks.find_one({"resident_id": elder, "reason": "routine"}))["due_by"]

    in_one_run = await routine_due_by([[registered("a", "h-a", 85), registered("a-man", "h-a", 70)]], "a")
    husband_first = await routine_due_by([[registered("b-man", "h-b", 70)], [registered("b", "h-b", 85)]], "b")
    elder_first = await routine_due_by([[registered("c", "h-c", 85)], [registered("c-man", "h-c", 70)]], "c")
    assert in_one_run == husband_first != elder_first  # alone when planned first: a living-alone cadence
