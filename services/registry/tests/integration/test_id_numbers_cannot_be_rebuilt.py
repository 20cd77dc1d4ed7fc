"""From everything a caller without pii:read receives about a resident, no ID number can be narrowed to
fewer than 1,000 candidates.

Each test gathers every string such a caller gets back from one surface of the registry (the resident,
listings under every filter, the masked XLSX ledger, import errors, the audit trail), combines every
masked form of the number found in them, and counts the numbers that still fit, with the birth date and
gender the same caller sees. It also looks for any four characters of the number past its first four
outside the birth date, in any form. Searching by ID tail is left out on purpose: there the caller typed
the tail, so it is rationed instead (test_id_tail_search_rationed.py).
"""
from __future__ import annotations

import io
import json
from datetime import date

from openpyxl import load_workbook

from linli_devtools.streams import read_stream

from linli_registry.domain.audit import Change, new_entry
from linli_registry.domain.id_card import parse_id_card
from linli_registry.storage import audit as trail
from linli_registry.storage.imports import IMPORT_ERRORS
from linli_registry.storage.indexes import RESIDENTS

from id_candidates import candidates, known_in, leaked_runs, strings_in
from ledger_files import HEADER, csv_bytes, import_and_wait, ledger_rows
from registry_helpers import COMMUNITY, id_number, new_household

FLOOR = 1000
EXAMPLE = "11010519491231002X"  # GB 11643's example: 110105********002X + 1949-12-31 gave it away whole
OTHER = id_number(date(1962, 7, 8), "male", area="130304", seq=137)
GRID = f"{COMMUNITY}-03"


def assert_cannot_be_rebuilt(texts: list[str], number: str) -> None:
    card = parse_id_card(number)
    known = known_in(texts, number)
    assert known, "the surface shows no masked form of the number at all: nothing was checked"
    assert candidates(known, card.birth_date, card.gender) >= FLOOR, known
    assert leaked_runs(texts, number) == []


async def received(client, path: str, **params) -> list[str]:
    response = await client.get(path, params=params)
    assert response.status_code == 200, response.text
    return strings_in(response.json())


async def workbook(client, **params) -> list[str]:
    response = await client.get(f"/v1/communities/{COMMUNITY}/residents.xlsx", params=params)
    assert response.status_code == 200, response.text
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return [str(value) for sheet in book for row in sheet.iter_rows(values_only=True) for value in row
            if value is not None]


async def everything_about(client, resident: dict) -> list[str]:
    """The resident, every listing that finds them, and the masked ledger, as one caller receives them."""
    listing = f"/v1/communities/{COMMUNITY}/residents"
    texts = await received(client, f"/v1/residents/{resident['id']}")
    for params in ({}, {"q": resident["name"]}, {"q": "wang"}, {"group": "elderly_60"}, {"status": "active"},
                   {"household_id": resident["household_id"]}, {"grid": GRID}):
        found = await received(client, listing, **params)
        assert resident["id"] in found, params
        texts += found
    for params in ({}, {"group": "elderly_60"}, {"household_id": resident["household_id"]}, {"grid": GRID}):
        texts += await workbook(client, **params)
    return texts


async def register(admin, number: str) -> dict:
    household = await new_household(admin, grid=GRID)
    response = await admin.post(f"/v1/communities/{COMMUNITY}/residents", json={
        "name": "王秀英", "id_number": number, "household_id": household, "phone": "13812345678"})
    assert response.status_code == 201, response.text
    return response.json()


async def test_the_resident_listings_and_the_masked_ledger_leave_at_least_1000_candidates(admin, client_for,
                                                                                          make_token):
    resident = await register(admin, EXAMPLE)
    worker = client_for(make_token(roles=["worker"], scope=[COMMUNITY], sub="worker-li"))
    texts = await everything_about(worker, resident)
    assert "1949-12-31" in texts and "female" in texts  # shown on purpose: workers need age and birthday
    assert_cannot_be_rebuilt(texts, EXAMPLE)


async def test_the_events_carry_no_part_of_the_id_number(admin, nats_url):
    resident = await register(admin, EXAMPLE)
    messages = await read_stream(nats_url, expected=7)  # 5 orgs, the household, the resident
    events = [m.data.decode() for m in messages if json.loads(m.data)["subject"] in (resident["id"],
                                                                                     resident["household_id"])]
    assert len(events) == 2 and any("1949-12-31" in e for e in events)
    assert (known_in(events, EXAMPLE), leaked_runs(events, EXAMPLE)) == ({}, [])


async def test_a_number_typed_into_a_life_event_s_note_is_masked_on_the_bus_and_in_the_answer(admin, nats_url):
    resident = await register(admin, EXAMPLE)
    response = await admin.post(f"/v1/residents/{resident['id']}/life-events", json={
        "kind": "hospitalized", "date": "2026-01-05", "note": f"家属 {EXAMPLE} 电话 13812345678 陪护"})
    assert response.status_code == 201, response.text
    assert response.json()["note"] == "家属 1101************** 电话 138****5678 陪护"  # as the listing shows it
    messages = await read_stream(nats_url, expected=8)  # 5 orgs, the household, the resident, the life event
    recorded = [json.loads(m.data) for m in messages if json.loads(m.data)["type"].endswith("life_event_recorded.v1")]
    assert [event["data"]["note"] for event in recorded] == ["家属 1101************** 电话 138****5678 陪护"]


async def test_a_resident_stored_with_the_old_mask_is_shown_with_the_new_one(admin, app, client_for, make_token):
    resident = await register(admin, OTHER)
    db = app.state.registry.db
    await db[RESIDENTS].update_one({"_id": resident["id"]},
                                   {"$set": {"id_number_masked": OTHER[:6] + "*" * 8 + OTHER[-4:]}})
    await trail.append(db, [new_entry("staff-2024", "resident.registered", COMMUNITY, resident_ids=[resident["id"]],
                                      changes=[Change(field="id_number", new=OTHER[:6] + "*" * 8 + OTHER[-4:])])])
    fix = await admin.patch(f"/v1/residents/{resident['id']}", json={"id_number": EXAMPLE},
                            headers={"If-Match": f'"{resident["version"]}"'})
    assert fix.status_code == 200, fix.text  # the trail now holds old and new numbers, masked as of today
    back = await admin.patch(f"/v1/residents/{resident['id']}", json={"id_number": OTHER},
                             headers={"If-Match": f'"{fix.json()["version"]}"'})
    assert back.status_code == 200, back.text
    await db[RESIDENTS].update_one({"_id": resident["id"]},
                                   {"$set": {"id_number_masked": OTHER[:6] + "*" * 8 + OTHER[-4:]}})

    worker = client_for(make_token(roles=["worker"], scope=[COMMUNITY], sub="worker-li"))
    assert_cannot_be_rebuilt(await everything_about(worker, resident), OTHER)
    admin_without_pii = client_for(make_token(roles=["admin"], scope=[COMMUNITY], sub="admin-zhao"))
    entries = await received(admin_without_pii, "/v1/audit-trail", resident_id=resident["id"])
    assert_cannot_be_rebuilt(entries, OTHER)
    assert_cannot_be_rebuilt(entries, EXAMPLE)


async def test_import_errors_repeat_a_misplaced_id_number_only_under_the_new_mask(admin, app, client_for,
                                                                                   make_token):
    row = dict.fromkeys(HEADER, "")
    row.update({"户编号": "H1", "小区": "工农里", "楼栋": "31", "与户主关系": "户主", "姓名": "王秀英",
                "身份证号": EXAMPLE, "民族": EXAMPLE, "健康状况": EXAMPLE})  # typed one column too far, twice
    job = await import_and_wait(admin, COMMUNITY, csv_bytes([list(row.values())]))
    assert job["rows_failed"] == 1, job
    old_mask = EXAMPLE[:6] + "*" * 8 + EXAMPLE[-4:]
    await app.state.registry.db[IMPORT_ERRORS].insert_one({  # written before the mask changed
        "import_id": job["import_id"], "kind": "error", "row": 2, "column": "ethnicity", "code": "import.value.unknown",
        "message": f"民族：无法识别“{old_mask}”，可填 民族名称 (unknown value)"})

    admin_without_pii = client_for(make_token(roles=["admin"], scope=[COMMUNITY], sub="admin-zhao"))
    texts = await received(admin_without_pii, f"/v1/imports/{job['import_id']}")
    texts += await received(admin_without_pii, f"/v1/imports/{job['import_id']}/errors")
    texts += await received(admin_without_pii, f"/v1/communities/{COMMUNITY}/imports")
    texts.append("1949-12-31")  # as if the caller knew the birth date from elsewhere
    assert_cannot_be_rebuilt(texts, EXAMPLE)


async def test_an_old_mask_is_no_change_when_the_same_number_comes_again(admin, app):
    db = app.state.registry.db
    first = await import_and_wait(admin, COMMUNITY, csv_bytes(ledger_rows()))
    resident = await register(admin, EXAMPLE)
    async for doc in db[RESIDENTS].find({"community_code": COMMUNITY}):
        await db[RESIDENTS].update_one({"_id": doc["_id"]}, {"$set": {"id_number_masked": "130303********1234"}})

    same = await admin.patch(f"/v1/residents/{resident['id']}", json={"id_number": EXAMPLE},
                             headers={"If-Match": f'"{resident["version"]}"'})
    assert same.status_code == 200 and same.json()["version"] == resident["version"]
    again = await import_and_wait(admin, COMMUNITY, csv_bytes(ledger_rows()))
    assert (again["residents_updated"], again["residents_unchanged"]) == (0, first["residents_created"])
