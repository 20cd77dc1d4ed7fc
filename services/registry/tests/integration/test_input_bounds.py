"""Every text and list a caller sends is bounded: an oversize value is a 422 naming the field, and nothing changes."""
from __future__ import annotations

from datetime import date

import pytest

from linli_devtools.problems import assert_refused

from registry_helpers import COMMUNITY, new_household, new_resident

HUGE = "x" * 400_000  # made a 1.2 MB event that stopped the bus before the bounds


async def outbox_entries(app) -> int:
    return await app.state.registry.db["outbox"].count_documents({})


@pytest.mark.parametrize("change, field", [
    ({"retired_cadre": {"kind": "tuixiu", "family_and_health": HUGE}}, ["retired_cadre", "family_and_health"]),
    ({"retired_cadre": {"kind": "tuixiu", "hobbies": HUGE}}, ["retired_cadre", "hobbies"]),
    ({"retired_cadre": {"kind": "tuixiu", "habits": HUGE}}, ["retired_cadre", "habits"]),
    ({"retired_cadre": {"kind": "lixiu", "rank": HUGE}}, ["retired_cadre", "rank"]),
    ({"volunteer": {"skills": [HUGE]}}, ["volunteer", "skills", 0]),
    ({"volunteer": {"skills": [f"skill {n}" for n in range(51)]}}, ["volunteer", "skills"]),
    ({"name": HUGE}, ["name"]),
    ({"household_id": HUGE}, ["household_id"]),
])
async def test_an_oversize_patch_is_a_422_naming_the_field_and_changes_nothing(app, admin, change, field):
    resident = await new_resident(admin, date(1950, 3, 4), retired_cadre={"kind": "tuixiu", "hobbies": "书法"})
    url = f"/v1/residents/{resident['id']}"
    entries = await outbox_entries(app)

    response = await admin.patch(url, json=change, headers={"If-Match": '"1"'})

    assert_refused(response, field)
    after = (await admin.get(url)).json()
    assert after["version"] == 1 and after["retired_cadre"]["hobbies"] == "书法"
    assert await outbox_entries(app) == entries


async def test_an_oversize_registration_is_a_422_and_registers_nobody(app, admin):
    body = {"name": "张三", "id_number": "11010519491231002X",
            "retired_cadre": {"kind": "tuixiu", "family_and_health": HUGE}}
    entries = await outbox_entries(app)

    response = await admin.post(f"/v1/communities/{COMMUNITY}/residents", json=body)

    assert_refused(response, ["retired_cadre", "family_and_health"])
    assert (await admin.get(f"/v1/communities/{COMMUNITY}/residents")).json()["items"] == []
    assert await outbox_entries(app) == entries


async def test_the_longest_allowed_free_text_is_kept(admin):
    resident = await new_resident(admin, date(1950, 3, 4))
    longest = "患" * 2000

    response = await admin.patch(f"/v1/residents/{resident['id']}", headers={"If-Match": '"1"'},
                                 json={"retired_cadre": {"kind": "tuixiu", "family_and_health": longest}})

    assert response.status_code == 200, response.text[:500]
    assert response.json()["retired_cadre"]["family_and_health"] == longest


async def test_an_oversize_address_or_life_event_note_is_a_422(app, admin):
    resident = await new_resident(admin, date(1950, 3, 4))
    entries = await outbox_entries(app)

    address = await admin.post(f"/v1/communities/{COMMUNITY}/households", json={"address": {"estate": HUGE}})
    note = await admin.post(f"/v1/residents/{resident['id']}/life-events",
                            json={"kind": "hospitalized", "date": "2026-01-05", "note": HUGE})

    assert_refused(address, ["address", "estate"])
    assert_refused(note, ["note"])
    assert await outbox_entries(app) == entries
    assert await new_household(admin)  # the community still takes a household of sensible size
