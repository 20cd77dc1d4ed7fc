"""A committee's ledger imported into the registry makes one seeker per person out of work, and a second
import of the same ledger makes none."""
from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from linli_devtools.asgi import eventually
from linli_devtools.people import id_number
from linli_devtools.streams import caught_up
from linli_shared.events import CloudEvent
from linli_shared.tracing import new_traceparent

from linli_employment.handlers import registry

from employment_helpers import COMMUNITY

LEDGER = "户编号,小区,姓名,身份证号,就业状况\n" + "\n".join([
    f"1,工农里,甲,{id_number(date(1974, 1, 1), 'male')},下岗",
    f"1,工农里,乙,{id_number(date(1980, 1, 1), 'female')},失业",
    f"2,工农里,丙,{id_number(date(1990, 1, 1), 'male')},在职",
    f"3,工农里,丁,{id_number(date(2004, 1, 1), 'female')},失业",
]) + "\n"


async def imported(registry) -> dict:
    response = await registry.post(f"/v1/communities/{COMMUNITY}/imports",
                                   files={"file": ("台账.csv", LEDGER.encode("gb18030"))})
    assert response.status_code == 202, response.text

    async def done() -> dict | None:
        job = (await registry.get(response.headers["Location"])).json()
        return job if job["status"] == "done" else None

    return await eventually(done, timeout=30)


async def test_an_imported_ledger_makes_exactly_one_seeker_per_person_out_of_work(registry, ctx, nats_url):
    assert (await imported(registry))["residents_created"] == 4
    await eventually(lambda: ctx.db.seekers.count_documents({}), timeout=30)
    await eventually(lambda: caught_up(nats_url, "REGISTRY", "employment-registry-v1"), timeout=30)
    seekers = await ctx.db.seekers.find({}, {"_id": 0, "priority_groups": 1}).to_list()
    assert sorted(s["priority_groups"] for s in seekers) == [["hard_to_employ_4050", "zero_employment_family"],
                                                              ["hard_to_employ_4050", "zero_employment_family"],
                                                              ["zero_employment_family", "youth"]]
    assert (await imported(registry))["residents_unchanged"] == 4
    await eventually(lambda: caught_up(nats_url, "REGISTRY", "employment-registry-v1"), timeout=30)
    assert await ctx.db.seekers.count_documents({}) == 3


def resident_state(resident_id: str, household_id: str, born: date, status: str) -> CloudEvent:
    data = {"resident_id": resident_id, "community_code": COMMUNITY, "household_id": household_id, "name": "戊",
            "gender": "female", "birth_date": born.isoformat(), "employment_status": status, "status": "active"}
    return CloudEvent(id=str(uuid.uuid4()), source="/linli/registry", type="linli.registry.resident.registered.v1",
                      subject=resident_id, time=datetime.now(UTC), data=data, community=COMMUNITY,
                      traceparent=new_traceparent(), aggregateversion=1)


async def test_a_household_registered_in_one_run_is_reconciled_once_from_where_the_run_ends(ctx):
    """One out of work, one in work: not 零就业家庭 either way, but one at a time first writes it as one."""
    def household(n: int) -> list[CloudEvent]:
        return [resident_state(f"r-out-{n}", f"h-{n}", date(1994, 1, 1), "unemployed"),
                resident_state(f"r-in-{n}", f"h-{n}", date(1992, 1, 1), "employed")]

    await ctx.uow.run(lambda tx: registry.residents_changed(ctx, household(1), tx))
    for event in household(2):
        await ctx.uow.run(lambda tx, event=event: registry.residents_changed(ctx, [event], tx))

    in_a_run, one_at_a_time = [await ctx.db.seekers.find_one({"_id": f"r-out-{n}"}) for n in (1, 2)]
    assert in_a_run["priority_groups"] == one_at_a_time["priority_groups"] == []
    assert (in_a_run["version"], one_at_a_time["version"]) == (1, 2)
    assert await ctx.db.seekers.count_documents({"_id": {"$in": ["r-in-1", "r-in-2"]}}) == 0
