"""Seekers come from the registry by themselves; matching ranks a worked example with its reasons."""
from __future__ import annotations

import nats

from linli_devtools.asgi import client, eventually
from linli_devtools.streams import caught_up, read_stream

from employment_helpers import COMMUNITY, OTHER, STREET, active_seeker, employer_and_job, household, resident, seeker_of


async def test_every_out_of_work_resident_gets_exactly_one_seeker(registry, employment, ctx, nats_url):
    laid_off = await resident(registry, 52, "male", employment_status="laid_off", name="伊平")
    unemployed = await resident(registry, 44, "female", employment_status="unemployed")
    await resident(registry, 35, "male", employment_status="employed")
    later = await resident(registry, 30, "male", employment_status="employed")
    await registry.patch(f"/v1/residents/{later['id']}", json={"employment_status": "unemployed"},
                         headers={"If-Match": '"1"'})
    await seeker_of(employment, later["id"])
    first = await seeker_of(employment, laid_off["id"], status="intent_pending")
    assert first["priority_groups"] == ["hard_to_employ_4050"]
    assert (await seeker_of(employment, unemployed["id"]))["priority_groups"] == ["hard_to_employ_4050"]
    assert await ctx.db.seekers.count_documents({}) == 3
    registered = await read_stream(nats_url, expected=4, subject="linli.employment.seeker.registered.v1.>", timeout=3)
    assert len(registered) == 3


async def test_finding_work_or_moving_out_leaves_the_active_list(registry, employment):
    worker = await resident(registry, 33, "male", employment_status="unemployed")
    mover = await resident(registry, 41, "female", employment_status="unemployed")
    await seeker_of(employment, worker["id"])
    await seeker_of(employment, mover["id"])
    await registry.patch(f"/v1/residents/{worker['id']}", json={"employment_status": "employed"},
                         headers={"If-Match": '"1"'})
    await registry.post(f"/v1/residents/{mover['id']}/life-events", json={"kind": "moved_out", "date": "2026-01-01"})
    await seeker_of(employment, worker["id"], status="inactive")
    await seeker_of(employment, mover["id"], status="inactive")
    listed = (await employment.get(f"/v1/communities/{COMMUNITY}/job-seekers", params={"status": "intent_pending"}))
    assert listed.json()["items"] == []


async def test_a_zero_employment_family_is_recognised(registry, employment):
    home = await household(registry)
    husband = await resident(registry, 45, "male", employment_status="unemployed", household_id=home)
    wife = await resident(registry, 43, "female", employment_status="laid_off", household_id=home)
    await resident(registry, 70, "female", employment_status="retired", household_id=home)
    husband_seeker = await seeker_of(employment, husband["id"], priority_groups=["zero_employment_family"])
    assert husband_seeker["status"] == "intent_pending"
    await seeker_of(employment, wife["id"], priority_groups=["hard_to_employ_4050", "zero_employment_family"])


async def test_matching_ranks_the_worked_example(registry, employment, apps, make_token, ctx):
    """A family wants a nanny (seed 000): the 4050 woman with the right intention and skills ranks first."""
    nanny = await resident(registry, 44, "female", employment_status="unemployed", name="王阿姨")
    cook = await resident(registry, 38, "female", employment_status="unemployed", name="李师傅")
    far = await resident(registry, 46, "female", OTHER, employment_status="unemployed", name="赵大姐")
    await active_seeker(employment, nanny["id"], ["domestic_help"], min_monthly_wage_cny=2500,
                        skills=["做饭", "照护老人"])
    await active_seeker(employment, cook["id"], ["catering"], min_monthly_wage_cny=3500, skills=["做饭"])
    await eventually(lambda: ctx.db.seekers.find_one({"_id": far["id"]}))
    job = await employer_and_job(employment, title="住家保姆", category="domestic_help", wage_min_cny=2500,
                                 wage_max_cny=3000, skills_preferred=["做饭", "照护老人"], suits_4050=True)
    matches = (await employment.get(f"/v1/jobs/{job['id']}/matches")).json()
    assert [m["seeker_id"] for m in matches] == [nanny["id"], cook["id"]]  # a community worker sees their own
    async with client(apps[1], make_token(roles=["worker"], scope=[STREET])) as street:
        wider = (await street.get(f"/v1/jobs/{job['id']}/matches")).json()
    assert [m["seeker_id"] for m in wider] == [nanny["id"], far["id"], cook["id"]]
    top = matches[0]
    assert [r["code"] for r in top["reasons"]] == ["category.match", "wage.fit", "skills.preferred",
                                                   "distance.same_community", "priority.4050", "hours.unregistered"]
    assert top["score"] == 95.0
    assert all(r["text"] for r in top["reasons"])
    back = (await employment.get(f"/v1/job-seekers/{nanny['id']}/matches")).json()
    assert [m["job_id"] for m in back] == [job["id"]]


async def test_replayed_and_reordered_registry_events_end_in_the_same_state(registry, employment, ctx, nats_url):
    person = await resident(registry, 36, "male", employment_status="unemployed")
    await seeker_of(employment, person["id"])
    await registry.patch(f"/v1/residents/{person['id']}", json={"employment_status": "employed"},
                         headers={"If-Match": '"1"'})
    settled = await seeker_of(employment, person["id"], status="inactive")
    messages = await read_stream(nats_url, expected=2, subject="linli.registry.resident.>")
    nc = await nats.connect(nats_url)
    try:
        for i, msg in enumerate(reversed(messages)):  # the newest first, then the stale one, each again
            await nc.jetstream().publish(msg.subject, msg.data, headers={"Nats-Msg-Id": f"replay-{i}"})
    finally:
        await nc.close()
    await eventually(lambda: caught_up(nats_url, "REGISTRY", "employment-registry-v1"))
    assert await seeker_of(employment, person["id"]) == settled
    assert await ctx.db.seekers.count_documents({}) == 1


async def test_the_seekers_listing_finds_one_residents_record_within_the_callers_scope(registry, employment, apps,
                                                                                      make_token, ctx):
    one = await resident(registry, 44, "female", employment_status="unemployed", name="王阿姨")
    neighbour = await resident(registry, 47, "male", employment_status="laid_off")
    far = await resident(registry, 46, "female", OTHER, employment_status="unemployed", name="赵大姐")
    await seeker_of(employment, one["id"])
    await seeker_of(employment, neighbour["id"])
    await eventually(lambda: ctx.db.seekers.find_one({"_id": far["id"]}))
    async with client(apps[1], make_token(roles=["worker"], scope=[COMMUNITY])) as worker:
        mine = await worker.get(f"/v1/communities/{COMMUNITY}/job-seekers", params={"resident_id": one["id"]})
        assert [s["resident_id"] for s in mine.json()["items"]] == [one["id"]]
        elsewhere = await worker.get(f"/v1/communities/{COMMUNITY}/job-seekers", params={"resident_id": far["id"]})
        assert elsewhere.json()["items"] == []  # the path's community bounds the filter
        refused = await worker.get(f"/v1/communities/{OTHER}/job-seekers", params={"resident_id": far["id"]})
        assert refused.status_code == 403 and refused.json()["code"] == "auth.scope"
