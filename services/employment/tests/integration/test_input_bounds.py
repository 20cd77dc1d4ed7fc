"""Every text and list a caller sends is bounded: an oversize value is a 422 naming the field, and nothing changes."""
from __future__ import annotations

from linli_devtools.problems import assert_refused

from employment_helpers import COMMUNITY, employer_and_job, resident, seeker_of

HUGE = "x" * 400_000


async def outbox_entries(ctx) -> int:
    return await ctx.db["outbox"].count_documents({})


async def test_oversize_intentions_are_a_422_naming_the_field_and_change_nothing(registry, employment, ctx):
    person = await resident(registry, 45, "female", employment_status="unemployed")
    seeker = await seeker_of(employment, person["id"])
    url = f"/v1/job-seekers/{seeker['id']}"
    intentions = {"categories": ["cleaning"]}
    cases = [
        ({"categories": ["cleaning"] * 51}, ["intentions", "categories"]),
        ({**intentions, "skills": [HUGE]}, ["intentions", "skills", 0]),
        ({**intentions, "skills": [f"skill {n}" for n in range(51)]}, ["intentions", "skills"]),
        ({**intentions, "certificates": [HUGE]}, ["intentions", "certificates", 0]),
    ]
    entries = await outbox_entries(ctx)
    for change, field in cases:
        registered = await employment.post(f"/v1/communities/{COMMUNITY}/job-seekers",
                                           json={"resident_id": person["id"], "intentions": change})
        patched = await employment.patch(url, json={"intentions": change},
                                         headers={"If-Match": f'"{seeker["version"]}"'})
        assert_refused(registered, field)
        assert_refused(patched, field)

    after = (await employment.get(url)).json()
    assert (after["version"], after["intentions"]) == (seeker["version"], seeker["intentions"])
    assert await outbox_entries(ctx) == entries


async def test_an_oversize_posting_is_a_422_and_posts_nothing(employment, ctx):
    job = await employer_and_job(employment)
    body = {"employer_id": job["employer_id"], "title": "保洁员", "category": "cleaning", "headcount": 1,
            "wage_min_cny": 2000, "wage_max_cny": 2600}
    cases = [
        ({"skills_required": [f"skill {n}" for n in range(51)]}, ["skills_required"]),
        ({"skills_preferred": [HUGE]}, ["skills_preferred", 0]),
        ({"requirement": {"gender": "female", "reason": HUGE}}, ["requirement", "reason"]),
        ({"title": HUGE}, ["title"]),
    ]
    jobs = await ctx.db["jobs"].count_documents({})
    for change, field in cases:
        assert_refused(await employment.post("/v1/jobs", json={**body, **change}), field)
    assert await ctx.db["jobs"].count_documents({}) == jobs
