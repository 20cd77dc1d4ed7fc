"""The projection converges whatever the order and however often events arrive."""
from __future__ import annotations

from linli_devtools.asgi import eventually

from reports_helpers import COMMUNITY, TODAY, publish

EMPLOYMENT = "linli.employment"


async def test_a_referral_before_its_seeker_waits_for_it_and_keeps_the_groups_of_that_time(apps, store, nats_url):
    referral = {"referral_id": "ref-9", "seeker_id": "seeker-9", "resident_id": "r-9", "community_code": COMMUNITY,
                "job_id": "job-1", "job_title": "保安", "employer_name": "港城物业", "referred_by": "w1",
                "interview_at": None}
    await publish(nats_url, "employment", f"{EMPLOYMENT}.referral.made.v1", "ref-9", COMMUNITY, referral)
    seeker = {"seeker_id": "seeker-9", "resident_id": "r-9", "community_code": COMMUNITY, "status": "seeking",
              "priority_groups": ["hard_to_employ_4050"]}
    await publish(nats_url, "employment", f"{EMPLOYMENT}.seeker.registered.v1", "seeker-9", COMMUNITY, seeker)
    stored = await eventually(lambda: store.referrals.find_one({"_id": "ref-9"}), timeout=20)
    assert stored["priority_groups"] == ["hard_to_employ_4050"] and stored["referred_on"] == TODAY.isoformat()
    # They turn 60 later: the referral made while they were 4050 stays a 4050 referral.
    await publish(nats_url, "employment", f"{EMPLOYMENT}.seeker.updated.v1", "seeker-9", COMMUNITY,
                  {**seeker, "priority_groups": [], "categories": []}, version=2)
    await eventually(lambda: store.seekers.find_one({"_id": "seeker-9", "priority_groups": []}))
    assert (await store.referrals.find_one({"_id": "ref-9"}))["priority_groups"] == ["hard_to_employ_4050"]


async def test_a_visit_published_twice_counts_once(apps, store, nats_url):
    visit = {"visit_id": "visit-9", "community_code": COMMUNITY, "resident_id": "r-1", "task_id": None,
             "reason": "festival", "visited_at": f"{TODAY.isoformat()}T23:30:00+08:00", "method": "in_person",
             "met": True, "visitor": "w1", "needs_found": 0, "aid_total_cny": 88.0}
    for _ in range(2):  # a relay re-publish after JetStream's duplicate window: a new event id, the same visit
        await publish(nats_url, "visits", "linli.visits.visit.recorded.v1", "visit-9", COMMUNITY, visit)
    stored = await eventually(lambda: store.visits.find_one({"_id": "visit-9"}))
    assert stored["visited_on"] == TODAY.isoformat()  # the committee's day, not UTC's

    async def both_handled() -> bool:
        return await store.inbox.count_documents({"type": "linli.visits.visit.recorded.v1"}) == 2

    await eventually(both_handled)
    assert await store.visits.count_documents({}) == 1
