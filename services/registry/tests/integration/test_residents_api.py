"""Registering, reading, changing residents; every bad request is a specific 4xx that changes nothing."""
from __future__ import annotations

from datetime import date

import pytest

from registry_helpers import COMMUNITY, OTHER_COMMUNITY, id_number, new_household, new_resident


async def test_register_derives_birth_date_and_gender_and_reads_back(admin):
    number = id_number(date(1941, 5, 6), "male")
    household = await new_household(admin)
    created = await new_resident(admin, date(1941, 5, 6), "male", name="周凤兰",
                                 household_id=household, id_number=number,
                                 relation_to_head="head", phone="13812345678")
    fetched = await admin.get(f"/v1/residents/{created['id']}")
    body = fetched.json()
    assert fetched.headers["etag"] == '"1"'
    assert (body["birth_date"], body["gender"], body["status"]) == ("1941-05-06", "male", "active")
    assert (body["id_number"], body["id_number_masked"], body["phone"]) == (number, False, "13812345678")
    assert body["groups"] == ["residents", "elderly_60", "elderly_80", "living_alone_elderly"]


async def test_lowercase_x_is_normalised(admin):
    number = "11010519491231002X"
    response = await admin.post(f"/v1/communities/{COMMUNITY}/residents",
                                json={"name": "李华", "id_number": number.lower()})
    assert response.status_code == 201, response.text
    assert response.json()["id_number"] == number
    assert response.json()["gender"] == "female"


@pytest.mark.parametrize("change, code", [
    ({"id_number": "110105194912310021"}, "resident.id_number.checksum"),
    ({"id_number": "11010519990230002X"}, "resident.id_number.birth_date"),
    ({"id_number": "12345"}, "resident.id_number.format"),
    ({"id_number": "11010519491231002X", "birth_date": "1949-12-30"}, "resident.birth_date.mismatch"),
    ({"id_number": "11010519491231002X", "gender": "male"}, "resident.gender.mismatch"),
    ({"employment_status": "astronaut"}, "literal_error"),
    ({"birth_date": "1950-02-30"}, "date_from_datetime_parsing"),
    ({"disability": {"category": "visual", "grade": 7}}, "less_than_equal"),
    ({"household_id": "nope"}, "resident.household.not_found"),
    ({"unknown_field": 1}, "extra_forbidden"),
])
async def test_bad_registration_is_a_specific_422_and_stores_nothing(admin, change, code):
    body = {"name": "张三", "id_number": "11010519491231002X", **change}
    response = await admin.post(f"/v1/communities/{COMMUNITY}/residents", json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert code in [e["code"] for e in problem["errors"]]
    assert problem["status"] == 422 and problem["title"] and problem["detail"]
    listing = await admin.get(f"/v1/communities/{COMMUNITY}/residents")
    assert listing.json()["items"] == []


async def test_household_of_another_community_is_refused(admin):
    household = await new_household(admin, OTHER_COMMUNITY)
    response = await admin.post(f"/v1/communities/{COMMUNITY}/residents",
                                json={"name": "张三", "id_number": id_number(date(1980, 1, 1)),
                                      "household_id": household})
    assert response.status_code == 422
    assert response.json()["code"] == "resident.household.other_community"


async def test_one_active_registration_per_person_anywhere(admin):
    number = id_number(date(1975, 3, 3))
    first = await admin.post(f"/v1/communities/{COMMUNITY}/residents", json={"name": "甲", "id_number": number})
    again = await admin.post(f"/v1/communities/{OTHER_COMMUNITY}/residents", json={"name": "甲", "id_number": number})
    assert (first.status_code, again.status_code) == (201, 409)
    assert again.json()["code"] == "resident.duplicate"
    moved = await admin.post(f"/v1/residents/{first.json()['id']}/life-events",
                             json={"kind": "moved_out", "date": "2024-01-01"})
    assert moved.json()["resident_status"] == "moved_out"
    after_move = await admin.post(f"/v1/communities/{OTHER_COMMUNITY}/residents",
                                  json={"name": "甲", "id_number": number})
    assert after_move.status_code == 201, after_move.text


async def test_patch_needs_the_current_version(admin):
    resident = await new_resident(admin, date(1970, 1, 1))
    url = f"/v1/residents/{resident['id']}"
    missing = await admin.patch(url, json={"employment_status": "unemployed"})
    ok = await admin.patch(url, json={"employment_status": "unemployed"}, headers={"If-Match": '"1"'})
    stale = await admin.patch(url, json={"health": "poor"}, headers={"If-Match": '"1"'})
    assert (missing.status_code, ok.status_code, stale.status_code) == (428, 200, 412)
    assert stale.json()["code"] == "version.mismatch"
    current = (await admin.get(url)).json()
    assert (current["employment_status"], current["health"], current["version"]) == ("unemployed", None, 2)


async def test_patch_identity_is_revalidated(admin):
    resident = await new_resident(admin, date(1970, 1, 1), "female")
    url = f"/v1/residents/{resident['id']}"
    wrong = await admin.patch(url, json={"gender": "male"}, headers={"If-Match": '"1"'})
    assert wrong.status_code == 422 and wrong.json()["code"] == "resident.gender.mismatch"
    fixed_number = id_number(date(1971, 2, 2), "male")
    fixed = await admin.patch(url, json={"id_number": fixed_number}, headers={"If-Match": '"1"'})
    assert fixed.status_code == 200, fixed.text
    assert (fixed.json()["birth_date"], fixed.json()["gender"], fixed.json()["id_number"]) == (
        "1971-02-02", "male", fixed_number)


async def test_life_events_change_status_and_refuse_bad_dates(admin):
    resident = await new_resident(admin, date(1940, 1, 1))
    url = f"/v1/residents/{resident['id']}/life-events"
    future = await admin.post(url, json={"kind": "hospitalized", "date": "2999-01-01"})
    assert future.status_code == 422 and future.json()["code"] == "life_event.date.future"
    hospital = await admin.post(url, json={"kind": "hospitalized", "date": "2026-11-01", "note": "心脏"})
    died = await admin.post(url, json={"kind": "deceased", "date": "2026-11-10"})
    later = await admin.post(url, json={"kind": "discharged", "date": "2026-11-11"})
    assert (hospital.status_code, died.status_code, later.status_code) == (201, 201, 409)
    body = (await admin.get(f"/v1/residents/{resident['id']}")).json()
    assert (body["status"], body["left_on"], body["version"]) == ("deceased", "2026-11-10", 4)


async def test_listing_filters_by_group_status_and_search(admin):
    household = await new_household(admin)
    elder = await new_resident(admin, date(1940, 3, 1), "female", name="王小明", household_id=household)
    await new_resident(admin, date(1990, 3, 1), "male", name="李四")
    gone = await new_resident(admin, date(1930, 3, 1), "male", name="赵五")
    await admin.post(f"/v1/residents/{gone['id']}/life-events", json={"kind": "deceased", "date": "2025-01-01"})
    base = f"/v1/communities/{COMMUNITY}/residents"

    async def names(**params) -> list[str]:
        response = await admin.get(base, params=params)
        assert response.status_code == 200, response.text
        return sorted(r["name"] for r in response.json()["items"])

    assert await names(group="elderly_80") == ["王小明"]
    assert await names(group="elderly_80", as_of="2024-12-31") == ["王小明", "赵五"]
    assert await names(group="living_alone_elderly") == ["王小明"]
    assert await names(status="deceased") == ["赵五"]
    assert await names(q="wxm") == ["王小明"]
    assert await names(q="lisi") == ["李四"]
    assert await names(q=elder["id_number"][-4:]) == ["王小明"]
    assert await names(q="小明") == ["王小明"]
    unknown = await admin.get(base, params={"group": "pirates"})
    assert unknown.status_code == 422 and unknown.json()["code"] == "resident.group.unknown"


async def test_a_group_listing_sees_every_write_at_once(admin):
    """Memberships are kept per data version: any write to the community is the next listing's news."""
    base = f"/v1/communities/{COMMUNITY}/residents"

    async def elders() -> list[str]:
        return sorted(r["name"] for r in (await admin.get(base, params={"group": "elderly_80"})).json()["items"])

    first = await new_resident(admin, date(1940, 3, 1), "female", name="王小明")
    assert await elders() == ["王小明"]
    assert await elders() == ["王小明"]  # from the kept membership
    await new_resident(admin, date(1939, 3, 1), "male", name="李四")
    assert await elders() == ["李四", "王小明"]
    await admin.post(f"/v1/residents/{first['id']}/life-events", json={"kind": "moved_out", "date": "2026-01-01"})
    assert await elders() == ["李四"]


async def test_a_group_listing_pages_every_member_once_in_id_order(admin):
    elders = {(await new_resident(admin, date(1930 + i, 1, 1)))["id"] for i in range(5)}
    for i in range(3):
        await new_resident(admin, date(1980 + i, 1, 1))
    seen, cursor = [], None
    while True:
        params = {"group": "elderly_80", "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await admin.get(f"/v1/communities/{COMMUNITY}/residents", params=params)).json()
        assert len(page["items"]) <= 2
        seen += [r["id"] for r in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert seen == sorted(elders)
    living = await admin.get(f"/v1/communities/{COMMUNITY}/residents",
                             params={"group": "elderly_80", "status": "deceased"})
    assert living.json() == {"items": [], "next_cursor": None}


async def test_cursor_pagination_walks_every_resident_once(admin):
    created = {(await new_resident(admin, date(1960 + i, 1, 1)))["id"] for i in range(7)}
    seen, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = (await admin.get(f"/v1/communities/{COMMUNITY}/residents", params=params)).json()
        seen += [r["id"] for r in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(created) and len(seen) == 7
    bad = await admin.get(f"/v1/communities/{COMMUNITY}/residents", params={"cursor": "!!"})
    assert bad.status_code == 400 and bad.json()["code"] == "cursor.invalid"


async def test_life_events_are_listed_newest_first_a_page_at_a_time_to_whoever_may_read_the_resident(
        admin, client_for, make_token):
    resident = await new_resident(admin, date(1950, 1, 2))
    number = id_number(date(1960, 7, 8), "male")
    for kind, day, note in [("hospitalized", "2026-10-01", None), ("major_event", "2026-11-20", f"儿子{number}来电"),
                            ("discharged", "2026-10-15", "13912345678 接回家")]:
        recorded = await admin.post(f"/v1/residents/{resident['id']}/life-events",
                                    json={"kind": kind, "date": day, "note": note})
        assert recorded.status_code == 201, recorded.text
    worker = client_for(make_token(roles=["worker"], scope=[COMMUNITY], sub="worker-li"))
    first = (await worker.get(f"/v1/residents/{resident['id']}/life-events", params={"limit": 2})).json()
    rest = (await worker.get(f"/v1/residents/{resident['id']}/life-events",
                             params={"limit": 2, "cursor": first["next_cursor"]})).json()
    assert [(e["kind"], e["date"]) for e in first["items"] + rest["items"]] == [
        ("major_event", "2026-11-20"), ("discharged", "2026-10-15"), ("hospitalized", "2026-10-01")]
    assert rest["next_cursor"] is None
    notes = [e["note"] for e in first["items"]]
    assert number not in notes[0] and number[:4] in notes[0] and notes[1] == "139****5678 接回家"

    elsewhere = await new_resident(admin, date(1950, 1, 2), community=OTHER_COMMUNITY)
    refused = await worker.get(f"/v1/residents/{elsewhere['id']}/life-events")
    assert refused.status_code == 403 and refused.json()["code"] == "auth.scope"
    missing = await worker.get("/v1/residents/no-such-resident/life-events")
    assert missing.status_code == 404 and missing.json()["code"] == "resident.not_found"
