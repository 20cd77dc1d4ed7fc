"""Referral to placement to follow-ups; statistics that answer the seed's questions; every bad input refused."""
from __future__ import annotations

from datetime import timedelta

from linli_devtools.asgi import client, eventually
from linli_devtools.streams import read_stream

from linli_employment.service_layer.followups import announce_due

from employment_helpers import TODAY, active_seeker, employer_and_job, resident


async def _refer(employment, seeker_id: str, job_id: str):
    return await employment.post("/v1/referrals", json={"seeker_id": seeker_id, "job_id": job_id})


async def test_a_hire_starts_a_placement_and_follow_ups_fall_due(registry, employment, ctx, clock, nats_url):
    person = await resident(registry, 52, "male", employment_status="laid_off", name="伊平")
    await active_seeker(employment, person["id"], ["cleaning"])
    job = await employer_and_job(employment, guarantor_needed=True)
    referral = (await _refer(employment, person["id"], job["id"])).json()
    without_start = await employment.post(f"/v1/referrals/{referral['id']}/outcome", json={"outcome": "hired"})
    assert (without_start.status_code, without_start.json()["code"]) == (422, "referral.hire.incomplete")
    start = TODAY.isoformat()
    hired = await employment.post(f"/v1/referrals/{referral['id']}/outcome",
                                  json={"outcome": "hired", "start_date": start, "wage_cny": 2400})
    assert hired.status_code == 200, hired.text
    assert [h["status"] for h in hired.json()["history"]] == ["referred", "hired"]
    assert (await employment.get(f"/v1/referrals/{referral['id']}")).json() == hired.json()
    assert (await employment.get(f"/v1/jobs/{job['id']}")).json()["status"] == "filled"
    assert (await employment.get(f"/v1/job-seekers/{person['id']}")).json()["status"] == "placed"
    started = await read_stream(nats_url, expected=1, subject="linli.employment.placement.started.v1.>")
    assert len(started) == 1
    assert await announce_due(ctx) == 0
    clock.advance(timedelta(days=30))
    assert (await announce_due(ctx), await announce_due(ctx)) == (1, 0)
    clock.advance(timedelta(days=200))
    assert await announce_due(ctx) == 2
    due = await read_stream(nats_url, expected=4, subject="linli.employment.placement.followup_due.v1.>", timeout=3)
    assert len(due) == 3


async def test_referrals_to_filled_or_closed_postings_and_other_bad_input(registry, employment, apps, make_token):
    first = await resident(registry, 30, "female", employment_status="unemployed")
    second = await resident(registry, 31, "female", employment_status="unemployed")
    for person in (first, second):
        await active_seeker(employment, person["id"], ["cleaning"])
    job = await employer_and_job(employment)
    referral = (await _refer(employment, first["id"], job["id"])).json()
    assert (await _refer(employment, first["id"], job["id"])).json()["code"] == "referral.duplicate"
    await employment.post(f"/v1/referrals/{referral['id']}/outcome",
                          json={"outcome": "hired", "start_date": TODAY.isoformat(), "wage_cny": 2000})
    filled = await _refer(employment, second["id"], job["id"])
    assert (filled.status_code, filled.json()["code"]) == (409, "job.filled")
    again = await employment.post(f"/v1/referrals/{referral['id']}/outcome", json={"outcome": "rejected"})
    assert (again.status_code, again.json()["code"]) == (409, "referral.outcome.invalid_transition")
    other = await employer_and_job(employment)
    closed = await employment.patch(f"/v1/jobs/{other['id']}", json={"status": "closed"}, headers={"If-Match": '"1"'})
    assert closed.status_code == 200
    assert (await _refer(employment, second["id"], other["id"])).json()["code"] == "job.closed"
    bad = await employment.post("/v1/jobs", json={"employer_id": other["employer_id"], "title": "x",
                                                  "category": "cleaning", "headcount": 1,
                                                  "wage_min_cny": 3000, "wage_max_cny": 2000})
    no_reason = await employment.post("/v1/jobs", json={"employer_id": other["employer_id"], "title": "x",
                                                        "category": "security", "headcount": 1, "wage_min_cny": 1,
                                                        "wage_max_cny": 2, "requirement": {"gender": "male"}})
    with_reason = await employment.post("/v1/jobs", json={
        "employer_id": other["employer_id"], "title": "夜班保安", "category": "security", "headcount": 1,
        "wage_min_cny": 2000, "wage_max_cny": 2500,
        "requirement": {"max_age": 55, "reason": "夜班巡逻，需体力"}})
    assert (bad.status_code, no_reason.status_code, with_reason.status_code) == (422, 422, 201)
    assert with_reason.json()["requirement"] == {"gender": None, "min_age": None, "max_age": 55,
                                                 "reason": "夜班巡逻，需体力"}
    stranger = await resident(registry, 40, "female", "130303001002", employment_status="unemployed")
    await eventually(lambda: apps[1].state.employment.db.seekers.find_one({"_id": stranger["id"]}))
    outside = await _refer(employment, stranger["id"], other["id"])
    assert (outside.status_code, outside.json()["code"]) == (403, "auth.scope")


async def test_statistics_reproduce_the_seed_figure(registry, employment, make_token, apps):
    """'We offered 4050 people positions 39 times, 7 of them were hired' — here 3 offered, 1 hired."""
    people = [await resident(registry, 45 + i, "female", employment_status="unemployed") for i in range(3)]
    young = await resident(registry, 30, "female", employment_status="unemployed")
    for person in (*people, young):
        await active_seeker(employment, person["id"], ["cleaning"])
    job = await employer_and_job(employment, headcount=5)
    referrals = [(await _refer(employment, p["id"], job["id"])).json() for p in (*people, young)]
    await employment.post(f"/v1/referrals/{referrals[0]['id']}/outcome",
                          json={"outcome": "hired", "start_date": TODAY.isoformat(), "wage_cny": 2200})
    await employment.post(f"/v1/referrals/{referrals[3]['id']}/outcome",
                          json={"outcome": "hired", "start_date": TODAY.isoformat(), "wage_cny": 2200})
    training = (await employment.post("/v1/trainings", json={
        "org_code": "130303001001", "name": "家政服务员培训", "kind": "domestic_help", "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + timedelta(days=10)).isoformat(), "capacity": 30})).json()
    enrolled = await employment.post(f"/v1/trainings/{training['id']}/enrollments",
                                     json={"resident_id": people[1]["id"], "cohort": "unemployed"})
    done = await employment.post(f"/v1/enrollments/{enrolled.json()['id']}/complete", json={"certificate": "初级"})
    assert (enrolled.status_code, done.status_code) == (201, 200)
    # The street's admin: an officer would get these small figures suppressed (test_statistics_small_cells).
    async with client(apps[1], make_token(roles=["admin"], scope=["130303001"])) as street_admin:
        stats = (await street_admin.get("/v1/orgs/130303001/employment-statistics",
                                   params={"from": TODAY.isoformat(), "to": TODAY.isoformat()})).json()
    assert {k: stats[k] for k in ("seekers", "seekers_4050", "referrals", "referrals_4050", "placements",
                                  "placed_4050", "trainees_by_cohort", "trainings_completed")} == {
        "seekers": 2, "seekers_4050": 2, "referrals": 4, "referrals_4050": 3, "placements": 2, "placed_4050": 1,
        "trainees_by_cohort": {"unemployed": 1}, "trainings_completed": 1}
