"""Disability certificates and special-care periods: their history, and statistics for past as-of dates."""
from __future__ import annotations

import json
from datetime import date

from linli_devtools.streams import read_stream

from registry_helpers import COMMUNITY, OTHER_COMMUNITY, new_household, new_resident

CORRECTIONS = {"kind": "special_care", "category": "community_corrections"}


async def _special_care_on(admin, as_of: str) -> int:
    response = await admin.get(f"/v1/orgs/{COMMUNITY}/statistics", params={"as_of": as_of})
    return response.json()["statistics"]["special_care"]


async def test_a_corrections_period_counts_only_while_it_ran(admin, nats_url):
    resident = await new_resident(admin, date(1980, 5, 1), "male", household_id=await new_household(admin))
    url = f"/v1/residents/{resident['id']}/memberships"
    started = await admin.post(url, json={**CORRECTIONS, "start": "2024-03-01"})
    assert started.status_code == 201, started.text
    assert started.json()["special_care"] == ["community_corrections"]
    ended = await admin.post(f"{url}/end", json={**CORRECTIONS, "end": "2025-03-01"})
    assert ended.status_code == 200, ended.text
    assert [await _special_care_on(admin, day) for day in ("2023-06-01", "2024-06-01", "2025-06-01")] == [0, 1, 0]
    body = ended.json()
    assert (body["special_care"], body["version"]) == ([], 3)
    assert body["history"] == [{**CORRECTIONS, "grade": None, "start": "2024-03-01", "end": "2025-03-01",
                                "active": False}]
    updates = await read_stream(nats_url, expected=2, subject=f"linli.registry.resident.updated.v1.{COMMUNITY}")
    data = [json.loads(m.data)["data"] for m in updates]
    assert [(d["changed"], d["special_care"]) for d in data] == [
        (["special_care"], ["community_corrections"]), (["special_care"], [])]
    assert all("memberships" not in d for d in data)


async def test_a_regraded_certificate_keeps_both_periods(admin):
    resident = await new_resident(admin, date(1970, 1, 1))
    url = f"/v1/residents/{resident['id']}/memberships"
    for grade, start in ((3, "2022-01-01"), (2, "2024-01-01")):
        response = await admin.post(url, json={"kind": "disability", "category": "physical", "grade": grade,
                                               "start": start})
        assert response.status_code == 201, response.text
    history = (await admin.get(url)).json()["history"]
    assert [(p["grade"], p["start"], p["end"], p["active"]) for p in history] == [
        (3, "2022-01-01", "2024-01-01", False), (2, "2024-01-01", None, True)]
    assert (await admin.get(f"/v1/residents/{resident['id']}")).json()["disability"] == {
        "category": "physical", "grade": 2}
    stats = await admin.get(f"/v1/orgs/{COMMUNITY}/statistics", params={"as_of": "2021-12-31"})
    assert stats.json()["statistics"]["disabled"] == 0


async def test_refusals_carry_stable_codes(admin):
    resident = await new_resident(admin, date(1970, 1, 1), special_care=["dementia"])
    url = f"/v1/residents/{resident['id']}/memberships"
    not_active = await admin.post(f"{url}/end", json={**CORRECTIONS, "end": "2025-03-01"})
    twice = await admin.post(url, json={"kind": "special_care", "category": "dementia", "start": "2025-01-01"})
    assert (not_active.status_code, not_active.json()["code"]) == (409, "membership.not_active")
    assert (twice.status_code, twice.json()["code"]) == (409, "membership.already_active")
    await admin.post(url, json={**CORRECTIONS, "start": "2024-03-01"})
    early = await admin.post(f"{url}/end", json={**CORRECTIONS, "end": "2024-01-01"})
    assert (early.status_code, early.json()["code"]) == (422, "membership.end_before_start")
    assert early.json()["errors"][0]["loc"] == ["body", "end"]
    future = await admin.post(url, json={"kind": "special_care", "category": "hiv", "start": "2999-01-01"})
    assert (future.status_code, future.json()["code"]) == (422, "membership.start_future")
    wrong = await admin.post(url, json={"kind": "special_care", "category": "physical", "start": "2024-01-01"})
    assert wrong.status_code == 422


async def test_registration_and_patch_keep_the_history(admin, app):
    resident = await new_resident(admin, date(1950, 1, 1), special_care=["dementia"])
    url = f"/v1/residents/{resident['id']}/memberships"
    assert (await admin.get(url)).json()["history"] == [
        {"kind": "special_care", "category": "dementia", "grade": None, "start": None, "end": None, "active": True}]
    assert await _special_care_on(admin, "2000-01-01") == 1  # since before records began
    patched = await admin.patch(f"/v1/residents/{resident['id']}", headers={"If-Match": '"1"'},
                                json={"disability": {"category": "visual", "grade": 1}, "special_care": []})
    assert patched.status_code == 200, patched.text
    today = app.state.registry.today().isoformat()
    history = (await admin.get(url)).json()["history"]
    assert [(p["kind"], p["start"], p["end"]) for p in history] == [
        ("special_care", None, today), ("disability", today, None)]
    assert await _special_care_on(admin, "2000-01-01") == 1
    assert patched.json()["special_care"] == [] and "memberships" not in patched.json()


async def test_a_worker_of_another_community_is_refused(admin, client_for, make_token):
    resident = await new_resident(admin, date(1970, 1, 1))
    url = f"/v1/residents/{resident['id']}/memberships"
    other = client_for(make_token(roles=["worker"], scope=[OTHER_COMMUNITY]))
    own = client_for(make_token(roles=["worker"], scope=[COMMUNITY]))
    assert (await other.get(url)).status_code == 403
    assert (await other.post(url, json={**CORRECTIONS, "start": "2024-03-01"})).status_code == 403
    assert (await own.post(url, json={**CORRECTIONS, "start": "2024-03-01"})).status_code == 201
