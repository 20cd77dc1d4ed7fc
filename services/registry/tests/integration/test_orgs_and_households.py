"""The org tree's code rules, staff, households and their low-income periods."""
from __future__ import annotations

import pytest

from registry_helpers import COMMUNITY, OTHER_COMMUNITY, STREET, new_household


@pytest.mark.parametrize("code, status, problem", [
    ("13030300", 422, "org.code.invalid"),
    ("130303001001-x", 422, "org.code.invalid"),
    ("130303002001", 422, "org.parent.missing"),  # a community under a street that does not exist
    ("130303001001-07", 200, None),
])
async def test_org_codes(admin, code, status, problem):
    response = await admin.put(f"/v1/orgs/{code}", json={"name": "测试"})
    assert response.status_code == status, response.text
    if problem:
        assert response.json()["code"] == problem


async def test_org_node_lists_its_children(admin):
    body = (await admin.get(f"/v1/orgs/{STREET}")).json()
    assert (body["level"], body["parent"]) == ("street", "130303")
    assert [c["code"] for c in body["children"]] == [COMMUNITY, OTHER_COMMUNITY]


async def test_staff_directory(admin):
    created = await admin.post(f"/v1/orgs/{COMMUNITY}/staff",
                               json={"name": "刘书记", "role": "admin", "phone": "13900001111", "wecom_userid": "liu"})
    bad = await admin.post(f"/v1/orgs/{COMMUNITY}/staff", json={"name": "x", "role": "mayor"})
    assert (created.status_code, bad.status_code) == (201, 422)
    listing = (await admin.get(f"/v1/orgs/{COMMUNITY}/staff")).json()["items"]
    assert [(s["name"], s["role"]) for s in listing] == [("刘书记", "admin")]


async def test_household_grid_must_belong_to_the_community(admin):
    ok = await admin.post(f"/v1/communities/{COMMUNITY}/households",
                          json={"address": {"estate": "工农里"}, "grid": f"{COMMUNITY}-03"})
    wrong = await admin.post(f"/v1/communities/{OTHER_COMMUNITY}/households",
                             json={"address": {"estate": "建树里"}, "grid": f"{COMMUNITY}-03"})
    street = await admin.post(f"/v1/communities/{STREET}/households", json={"address": {"estate": "x"}})
    assert (ok.status_code, wrong.status_code, street.status_code) == (201, 422, 422)
    assert wrong.json()["code"] == "household.grid.other_community"
    assert street.json()["code"] == "org.not_a_community"


async def test_low_income_periods_keep_their_history(admin):
    household = await new_household(admin)
    url = f"/v1/households/{household}/low-income"
    started = await admin.put(url, json={"since": "2009-01-01", "monthly_amount_cny": 150})
    raised = await admin.put(url, json={"since": "2009-10-01", "monthly_amount_cny": 182})
    backwards = await admin.put(url, json={"since": "2008-01-01", "monthly_amount_cny": 100})
    ended = await admin.delete(url, params={"ended_on": "2012-06-30"})
    again = await admin.delete(url)
    assert [r.status_code for r in (started, raised, backwards, ended, again)] == [200, 200, 422, 200, 409]
    body = ended.json()
    assert body["low_income"] is None
    assert [(p["start"], p["end"], p["monthly_amount_cny"]) for p in body["low_income_history"]] == [
        ("2009-01-01", "2009-10-01", 150.0), ("2009-10-01", "2012-06-30", 182.0)]
