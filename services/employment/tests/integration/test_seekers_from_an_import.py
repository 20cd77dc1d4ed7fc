"""A committee's ledger imported into the registry makes one seeker per person out of work, and a second
import of the same ledger makes none."""
from __future__ import annotations

from datetime import date

from linli_devtools.asgi import eventually
from linli_devtools.people import id_number
from linli_devtools.streams import caught_up

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
