"""The store workarounds find the same documents as the plain query shape they replace."""
from __future__ import annotations

from linli_shared.store_shapes import IN_STEP, find_in, find_in_then_keep


async def test_find_in_finds_what_one_in_would_over_many_steps(wire) -> None:
    await wire.db.things.insert_many([{"_id": f"t{i:04d}", "even": i % 2 == 0, "n": i} for i in range(3 * IN_STEP)])
    asked = [f"t{i:04d}" for i in range(0, 4 * IN_STEP, 3)]  # some beyond the collection: not found

    found = await find_in(wire.db.things, "_id", asked, {"even": True}, {"n": 1})

    plain = await wire.db.things.find({"_id": {"$in": asked}, "even": True}, {"n": 1}).to_list()
    assert sorted(found, key=lambda d: d["_id"]) == sorted(plain, key=lambda d: d["_id"])
    assert len(found) == len({i for i in range(0, 3 * IN_STEP, 3) if i % 2 == 0})


async def test_find_in_then_keep_finds_whole_what_the_in_and_the_conditions_would(wire) -> None:
    await wire.db.things.insert_many([{"_id": f"t{i:04d}", "key": i % 90, "kind": "a" if i % 3 else "b", "n": i}
                                      for i in range(2 * IN_STEP)])
    keys = list(range(0, 90, 2))

    found = await find_in_then_keep(wire.db.things, "key", keys, {"kind": 1}, lambda d: d["kind"] == "b")

    plain = await wire.db.things.find({"key": {"$in": keys}, "kind": "b"}).to_list()
    assert sorted(found, key=lambda d: d["_id"]) == sorted(plain, key=lambda d: d["_id"])
    assert found and all("n" in doc for doc in found)
