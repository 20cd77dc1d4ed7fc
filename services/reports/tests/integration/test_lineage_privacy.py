"""Lineage names the people behind a number: masked without pii:read, on the reveal trail with it, never to
officers."""
from __future__ import annotations

import json

import pytest

from linli_devtools.asgi import client, eventually
from linli_shared.trail import reveals

from reports_helpers import COMMUNITY, DISTRICT, STREET, TODAY, publish, register, this_month

EMPLOYMENT = "linli.employment"
PHONE = "13812345678"
TEMPLATE = {"name": "走访与就业", "indicators": [
    {"key": "residents", "label": "常住人口", "source": "registry_group", "group": "residents"},
    {"key": "visits", "label": "本期入户走访次数", "source": "visits", "metric": "visits.count"},
    {"key": "referrals", "label": "推荐就业", "source": "employment", "metric": "employment.referrals"},
]}


@pytest.fixture
async def ward(registry, district, store, nats_url) -> dict:
    """One resident with a phone, visited in hospital and referred to a job as a disabled seeker; a run."""
    person = await register(registry, 52, name="刘桂芝", phone=PHONE)
    await publish(nats_url, "visits", "linli.visits.visit.recorded.v1", "visit-h", COMMUNITY, {
        "visit_id": "visit-h", "community_code": COMMUNITY, "resident_id": person["id"], "task_id": None,
        "reason": "hospitalized", "visited_at": f"{TODAY.isoformat()}T10:00:00+08:00", "method": "in_person",
        "met": True, "visitor": "w1", "needs_found": 0, "aid_total_cny": 0})
    seeker = {"seeker_id": "seeker-d", "resident_id": person["id"], "community_code": COMMUNITY,
              "status": "active", "priority_groups": ["disabled"]}
    await publish(nats_url, "employment", f"{EMPLOYMENT}.seeker.registered.v1", "seeker-d", COMMUNITY, seeker)
    await publish(nats_url, "employment", f"{EMPLOYMENT}.referral.made.v1", "ref-d", COMMUNITY, {
        "referral_id": "ref-d", "seeker_id": "seeker-d", "resident_id": person["id"], "community_code": COMMUNITY,
        "job_id": "job-1", "job_title": "保洁", "employer_name": "港城物业", "referred_by": "w1",
        "interview_at": None})

    async def projected() -> bool:
        return (await store.residents.count_documents({}) == 1 and await store.visits.count_documents({}) == 1
                and await store.referrals.count_documents({}) == 1)

    await eventually(projected, timeout=30)
    assert (await district.put(f"/v1/orgs/{STREET}/report-templates/care", json=TEMPLATE)).status_code == 200
    run = (await district.post("/v1/report-templates/care/runs", json={"period": this_month()})).json()
    return {"person": person, "report": next(r["report_id"] for r in run["reports"]
                                             if r["community_code"] == COMMUNITY)}


def _lineage(report_id: str, indicator: str) -> str:
    return f"/v1/reports/{report_id}/cells/{indicator}/lineage"


async def test_lineage_without_pii_read_shows_no_raw_phone_id_number_birth_date_or_sensitive_category(
        ward, community, store):
    person, report = ward["person"], ward["report"]
    residents = (await community.get(_lineage(report, "residents"))).json()
    assert residents["items"][0]["phone"] == "138****5678"
    visits = (await community.get(_lineage(report, "visits"))).json()
    assert visits["items"][0]["reason"] is None and visits["items"][0]["resident_name"] == "刘桂芝"
    referrals = (await community.get(_lineage(report, "referrals"))).json()
    assert referrals["items"][0]["priority_groups"] is None

    shown = json.dumps([residents, visits, referrals], ensure_ascii=False)
    number = person["id_number"]
    birth = f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
    for secret in (PHONE, number, number[6:14], birth, "hospitalized", "disabled", "id_number"):
        assert secret not in shown
    assert await reveals(store, {}) == []  # nothing unmasked, nothing on the trail


async def test_lineage_with_pii_read_is_recorded_on_the_reveal_trail_before_it_is_shown(
        ward, apps, make_token, store):
    person, report = ward["person"], ward["report"]
    token = make_token(roles=["worker"], scope=[COMMUNITY], perms=["pii:read"], sub="worker-pii")
    async with client(apps[1], token) as worker:
        residents = (await worker.get(_lineage(report, "residents"))).json()
        visits = (await worker.get(_lineage(report, "visits"))).json()
    assert residents["items"][0]["phone"] == PHONE and visits["items"][0]["reason"] == "hospitalized"

    trail = await reveals(store, {"actor": "worker-pii"})
    assert {(e["via"], e["community_code"], tuple(e["subject_ids"]), tuple(e["fields"])) for e in trail} == {
        ("report_lineage", COMMUNITY, (person["id"],), ("phone",)),
        ("report_lineage", COMMUNITY, (person["id"],), ("reason",))}
    assert all(PHONE not in json.dumps(e, default=str) for e in trail)  # the trail names fields, not values


@pytest.mark.parametrize("scope", [STREET, DISTRICT])
async def test_an_officer_gets_no_lineage_even_with_pii_read(ward, apps, make_token, store, scope):
    token = make_token(roles=["officer"], scope=[scope], perms=["pii:read"], sub="officer-pii")
    async with client(apps[1], token) as officer:
        for indicator in ("residents", "visits", "referrals"):
            denied = await officer.get(_lineage(ward["report"], indicator))
            assert denied.status_code == 403 and denied.json()["code"] == "auth.role"
    assert await reveals(store, {}) == []
