"""upsert_if_newer: the newest state wins, and the handler gets the document without reading it again."""
from __future__ import annotations

from linli_shared.mongo import upsert_if_newer, upsert_many_if_newer


async def test_a_new_document_gets_its_insert_only_fields_and_comes_back_whole(wire) -> None:
    people = wire.db["people"]
    written = await upsert_if_newer(people, "r1", 1, {"name": "王芳"}, None, on_insert={"known_since": "2026-01-05"})
    assert written == {"_id": "r1", "name": "王芳", "known_since": "2026-01-05", "version": 1}
    assert await people.find_one({"_id": "r1"}) == written


async def test_a_newer_state_keeps_what_it_does_not_mention(wire) -> None:
    people = wire.db["people"]
    first = {"known_since": "2026-01-05"}
    await upsert_if_newer(people, "r1", 1, {"name": "王芳", "phone": "138"}, None, on_insert=first)
    written = await upsert_if_newer(people, "r1", 3, {"name": "王芳芳"}, None, on_insert={"known_since": "2026-11-23"})
    assert written == {"_id": "r1", "name": "王芳芳", "phone": "138", "known_since": "2026-01-05", "version": 3}
    assert await people.find_one({"_id": "r1"}) == written


async def test_a_stale_or_repeated_state_changes_nothing(wire) -> None:
    people = wire.db["people"]
    await upsert_if_newer(people, "r1", 2, {"name": "新"}, None)
    assert await upsert_if_newer(people, "r1", 2, {"name": "重复"}, None) is None
    assert await upsert_if_newer(people, "r1", 1, {"name": "旧"}, None) is None
    assert await people.find_one({"_id": "r1"}) == {"_id": "r1", "name": "新", "version": 2}


async def test_a_run_of_states_leaves_what_one_call_per_state_leaves(wire) -> None:
    """Registered, updated twice, one repeat and one stale state, for a held and a new document."""
    one_by_one, together = wire.db["one_by_one"], wire.db["together"]
    states = [("r2", 1, {"name": "李", "phone": "139"}), ("r1", 2, {"name": "王芳"}), ("r2", 3, {"name": "李四"}),
              ("r2", 3, {"name": "重复"}), ("r1", 1, {"name": "旧"}), ("r2", 4, {"phone": "137"})]
    for people in (one_by_one, together):
        await upsert_if_newer(people, "r1", 1, {"name": "王", "phone": "138"}, None, on_insert={"known_since": "1"})
    returned = [await upsert_if_newer(one_by_one, *state, None, on_insert={"known_since": "2"}) for state in states]

    changed = await upsert_many_if_newer(together, states, None, on_insert={"known_since": "2"})

    assert await together.find().sort("_id").to_list() == await one_by_one.find().sort("_id").to_list()
    assert await together.find_one({"_id": "r2"}) == {"_id": "r2", "name": "李四", "phone": "137",
                                                       "known_since": "2", "version": 4}
    assert changed == [await together.find_one({"_id": "r2"}), await together.find_one({"_id": "r1"})]
    assert [doc is not None for doc in returned] == [True, True, True, False, False, True]
