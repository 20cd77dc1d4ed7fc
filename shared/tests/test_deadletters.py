"""Dead letters: listed per service, replayed through their consumer's inbox, guarded for district operators."""
from __future__ import annotations

from types import SimpleNamespace

import httpx
import pytest
from fastapi import FastAPI

from linli_devtools.asgi import eventually
from linli_shared.bus import dead_letter_stream
from linli_shared.deadletters import dead_letter_router, list_dead_letters, replay_dead_letter
from linli_shared.errors import Problem, install_problem_handlers
from linli_shared.subscriptions import PermanentError


@pytest.fixture
async def broken(wire, metric):
    """A consumer that refuses n=1 and n=2 until `state.fixed`; their dead letters are waiting."""
    state = SimpleNamespace(fixed=False, events=[wire.event(n) for n in range(4)])

    async def handle(event, tx):
        if event.data["n"] in (1, 2) and not state.fixed:
            raise PermanentError(f"cannot place {event.data['n']} yet")
        await tx.db["effects"].insert_one({"n": event.data["n"]}, session=tx.session)

    durable = "testsvc-broken-v1"
    dead, handled = metric(durable, "dead_lettered"), metric(durable, "handled")  # counters are per process
    await wire.publish(*state.events)
    state.runner = await wire.start(durable, handle)
    await eventually(lambda: (metric(durable, "dead_lettered") - dead, metric(durable, "handled") - handled) == (2, 2))
    await wire.bus.ensure_stream(dead_letter_stream("othersvc"))
    await wire.bus.js.publish("linli.deadletter.othersvc.othersvc-someone-v1", b"{}")  # another service's: never ours
    return state


async def stored(wire) -> int:
    return (await wire.bus.js.stream_info(dead_letter_stream("testsvc").name)).state.messages


async def test_dead_letters_are_listed_per_service_in_pages(wire, broken):
    first = await list_dead_letters(wire.bus, "testsvc", limit=1)
    rest = await list_dead_letters(wire.bus, "testsvc", limit=5, after_seq=first[0].seq)

    assert [letter.seq for letter in first + rest] == [1, 2]
    letter = first[0]
    poisoned = broken.events[1]
    assert (letter.consumer, letter.event_id, letter.event_type, letter.original_subject) == (
        "testsvc-broken-v1", poisoned.id, poisoned.type, poisoned.nats_subject)
    assert (letter.error, letter.deliveries) == ("PermanentError: cannot place 1 yet", 1)
    assert letter.event == poisoned.model_dump(mode="json")
    assert await list_dead_letters(wire.bus, "othersvc") != []
    assert await list_dead_letters(wire.bus, "nosuchsvc") == []


async def test_replay_applies_the_event_once_fixed_and_removes_the_dead_letter(wire, broken):
    runners = {"testsvc-broken-v1": broken.runner}
    with pytest.raises(Problem) as still_broken:
        await replay_dead_letter(wire.bus, runners, "testsvc", 1)
    assert (still_broken.value.status, still_broken.value.code) == (409, "deadletter.replay_failed")
    assert await stored(wire) == 2

    broken.fixed = True
    result = await replay_dead_letter(wire.bus, runners, "testsvc", 1)

    assert (result.seq, result.consumer, result.event_id, result.handled) == (
        1, "testsvc-broken-v1", broken.events[1].id, True)
    assert sorted(doc["n"] for doc in await wire.db["effects"].find().to_list()) == [0, 1, 3]
    assert [letter.seq for letter in await list_dead_letters(wire.bus, "testsvc")] == [2]
    with pytest.raises(Problem) as gone:
        await replay_dead_letter(wire.bus, runners, "testsvc", 1)
    assert (gone.value.status, gone.value.code) == (404, "deadletter.not_found")
    with pytest.raises(Problem) as foreign:
        await replay_dead_letter(wire.bus, runners, "testsvc", 3)  # none such here: othersvc keeps its own stream
    assert foreign.value.status == 404


async def test_replaying_an_event_already_handled_only_removes_the_letter(wire, broken):
    broken.fixed = True
    await broken.runner.handle(broken.events[2])  # e.g. fixed and re-sent by hand meanwhile
    result = await replay_dead_letter(wire.bus, {"testsvc-broken-v1": broken.runner}, "testsvc", 2)

    assert result.handled is False
    assert await wire.count("effects", {"n": 2}) == 1
    assert await stored(wire) == 1


async def test_the_admin_api_lets_only_district_operators_list_and_replay(wire, broken, make_token):
    app = FastAPI()
    app.state.settings = wire.settings
    app.state.runtime = SimpleNamespace(bus=wire.bus, consumers=[broken.runner], service="testsvc", db=wire.db)
    install_problem_handlers(app)
    app.include_router(dead_letter_router())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        async def call(method: str, url: str, **token) -> httpx.Response:
            headers = {"authorization": f"Bearer {make_token(**token)}"} if token else {}
            return await http.request(method, url, headers=headers)

        assert (await call("GET", "/v1/admin/dead-letters")).status_code == 401
        for roles, scope in [(("worker",), ("130303",)), (("admin",), ("130303001001",))]:  # ("",) is a 401 now
            denied = await call("GET", "/v1/admin/dead-letters", roles=roles, scope=scope)
            assert (denied.status_code, denied.json()["code"]) == (403, "auth.role")

        page = (await call("GET", "/v1/admin/dead-letters?limit=1", roles=("admin",), scope=("130303",))).json()
        assert ([item["seq"] for item in page["items"]], page["next_cursor"]) == ([1], "1")
        page = (await call("GET", "/v1/admin/dead-letters?cursor=1", roles=("service",), scope=("130303",))).json()
        assert ([item["seq"] for item in page["items"]], page["next_cursor"]) == ([2], None)
        elsewhere = await call("GET", "/v1/admin/dead-letters", roles=("admin",), scope=("110101",))
        assert elsewhere.json()["items"] == []
        assert (await call("POST", "/v1/admin/dead-letters/1/replay", roles=("admin",),
                           scope=("110101",))).status_code == 403

        broken.fixed = True
        replayed = await call("POST", "/v1/admin/dead-letters/1/replay", roles=("admin",), scope=("130303",))
        assert (replayed.status_code, replayed.json()["handled"]) == (200, True)
        again = await call("POST", "/v1/admin/dead-letters/1/replay", roles=("admin",), scope=("130303",))
        assert (again.status_code, again.json()["code"]) == (404, "deadletter.not_found")
        # JetStream sequences are unsigned 64-bit: the last one is simply absent, past it is refused.
        last = await call("POST", f"/v1/admin/dead-letters/{2**64 - 1}/replay", roles=("admin",), scope=("130303",))
        assert (last.status_code, last.json()["code"]) == (404, "deadletter.not_found")
        for url in (f"/v1/admin/dead-letters/{2**64}/replay", "/v1/admin/dead-letters/0/replay"):
            beyond = await call("POST", url, roles=("admin",), scope=("130303",))
            assert (beyond.status_code, beyond.json()["errors"][0]["loc"]) == (422, ["path", "seq"])
        cursor = await call("GET", f"/v1/admin/dead-letters?cursor={2**64}", roles=("admin",), scope=("130303",))
        assert (cursor.status_code, cursor.json()["code"]) == (400, "cursor.invalid")
    assert await wire.count("effects", {"n": 1}) == 1
