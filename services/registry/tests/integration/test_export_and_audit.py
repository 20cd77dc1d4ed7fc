"""The ledger export (filters, masking, statistics page, round trip) and the privacy trail behind every reveal."""
from __future__ import annotations

import io
from datetime import date

import httpx
from asgi_lifespan import LifespanManager
from openpyxl import load_workbook

from linli_registry.bootstrap import create_app

from ledger_files import OLD_MAN, csv_bytes, import_and_wait, ledger_rows
from registry_helpers import COMMUNITY, OTHER_COMMUNITY, id_number, new_household, new_resident

GRID = f"{COMMUNITY}-03"


def sheets(content: bytes) -> tuple[list[dict], dict]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    rows = list(book["台账"].iter_rows(values_only=True))
    ledger = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    summary = {row[0]: row[1] for row in book["统计"].iter_rows(values_only=True) if len(row) > 1 and row[0]}
    return ledger, summary


async def trail(client, **params) -> list[dict]:
    response = await client.get("/v1/audit-trail", params=params)
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def test_export_of_80_plus_living_alone_in_one_grid_masked_for_a_worker(admin, client_for, make_token):
    await import_and_wait(admin, COMMUNITY, csv_bytes(ledger_rows()))
    worker = client_for(make_token(roles=["worker"], scope=[COMMUNITY], sub="worker-li"))
    response = await worker.get(f"/v1/communities/{COMMUNITY}/residents.xlsx",
                                params={"group": ["elderly_80", "living_alone_elderly"], "grid": GRID})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    ledger, summary = sheets(response.content)
    assert [(r["姓名"], r["网格"], r["年龄"]) for r in ledger] == [("王大爷", "03", 86)]
    assert ledger[0]["身份证号"] == OLD_MAN[:4] + "*" * 14
    assert ledger[0]["联系电话"] == "138****1111"
    assert "独居老人" in ledger[0]["人群"] and "80岁以上老年人" in ledger[0]["人群"]
    assert summary["80岁以上老年人"] == 1 and summary["居民"] == 5  # the page counts the whole community

    entries = await trail(admin, actor="worker-li", action="export")
    assert [e["detail"]["rows"] for e in entries] == [1] and entries[0]["detail"]["masked"] is True
    assert await trail(admin, actor="worker-li", action="pii.read") == []  # masked: nothing revealed


async def test_an_unmasked_export_reimports_without_a_change(admin):
    await import_and_wait(admin, COMMUNITY, csv_bytes(ledger_rows()))
    response = await admin.get(f"/v1/communities/{COMMUNITY}/residents.xlsx")
    ledger, _ = sheets(response.content)
    assert len(ledger) == 5 and OLD_MAN in {r["身份证号"] for r in ledger}
    job = await import_and_wait(admin, COMMUNITY, response.content, "export.xlsx")
    assert job["errors"] == [] and job["residents_unchanged"] == 5
    assert (job["residents_updated"], job["households_updated"], job["households_created"]) == (0, 0, 0)
    revealed = await trail(admin, action="pii.read")
    assert any(e["detail"]["via"] == "export" and len(e["resident_ids"]) == 5 for e in revealed)


async def test_reads_and_changes_of_personal_data_leave_a_masked_trail(admin, client_for, make_token):
    household = await new_household(admin)
    number = id_number(date(1950, 5, 5), "female")
    resident = await new_resident(admin, date(1950, 5, 5), id_number=number, household_id=household,
                                  phone="13912345678", health="good")
    officer_like = client_for(make_token(roles=["worker"], scope=[COMMUNITY], perms=["pii:read"], sub="worker-pii"))
    assert (await officer_like.get(f"/v1/residents/{resident['id']}")).json()["id_number"] == number
    changed = await admin.patch(f"/v1/residents/{resident['id']}", json={"phone": "13987654321", "health": "poor"},
                                headers={"If-Match": '"1"'})
    assert changed.status_code == 200, changed.text

    entries = await trail(admin, resident_id=resident["id"])
    assert [e["action"] for e in entries] == ["resident.registered", "pii.read", "resident.changed", "pii.read"]
    registered, read, change = entries[0], entries[1], entries[2]
    assert read["actor"] == "worker-pii" and read["detail"]["via"] == "read"
    assert {c["field"]: c["new"] for c in registered["changes"]}["id_number"] == number[:4] + "*" * 14
    assert {c["field"]: (c["old"], c["new"]) for c in change["changes"]} == {
        "phone": ("139****5678", "139****4321"), "health": ("***", "***")}
    body = str(entries)
    assert number not in body and "13912345678" not in body and "poor" not in body

    assert [e["actor"] for e in await trail(admin, actor="worker-pii")] == ["worker-pii"]
    assert await trail(admin, resident_id=resident["id"], since="2999-01-01T00:00:00Z") == []


async def test_only_admins_of_the_org_read_the_trail(admin, client_for, make_token):
    await new_household(admin)
    worker = client_for(make_token(roles=["worker"], scope=[COMMUNITY]))
    assert (await worker.get("/v1/audit-trail")).status_code == 403
    other_admin = client_for(make_token(roles=["admin"], scope=[OTHER_COMMUNITY]))
    assert (await other_admin.get("/v1/audit-trail", params={"community": COMMUNITY})).status_code == 403
    assert (await other_admin.get("/v1/audit-trail")).json()["items"] == []  # nothing of COMMUNITY leaks
    assert len(await trail(admin, community=COMMUNITY, action="household.registered")) == 1


async def test_the_trail_survives_a_restart(settings, admin):
    await new_household(admin)
    before = await trail(admin)
    fresh = create_app(settings)
    async with LifespanManager(fresh, startup_timeout=60, shutdown_timeout=30):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=fresh), base_url="http://registry",
                                     headers=admin.headers) as again:
            assert await trail(again) == before


async def test_a_masked_read_reveals_nothing_and_records_nothing_until_a_deliberate_reveal(admin, client_for,
                                                                                         make_token):
    household = await new_household(admin)
    number = id_number(date(1948, 3, 3), "male")
    resident = await new_resident(admin, date(1948, 3, 3), "male", id_number=number, household_id=household,
                                  phone="13912345678")
    pii = client_for(make_token(roles=["worker"], scope=[COMMUNITY], perms=["pii:read"], sub="worker-card"))
    masked = await pii.get(f"/v1/residents/{resident['id']}", params={"reveal": "false"})
    assert masked.status_code == 200, masked.text
    assert (masked.json()["id_number"], masked.json()["phone"]) == (number[:4] + "*" * 14, "139****5678")
    assert masked.json()["id_number_masked"] is True
    housemates = await pii.get(f"/v1/communities/{COMMUNITY}/residents",
                               params={"household_id": household, "reveal": "false"})
    assert [r["id_number"] for r in housemates.json()["items"]] == [number[:4] + "*" * 14]
    assert await trail(admin, actor="worker-card") == []  # opening the card revealed nothing

    revealed = await pii.get(f"/v1/residents/{resident['id']}")  # the deliberate reveal, as every caller had it
    assert (revealed.json()["id_number"], revealed.json()["phone"]) == (number, "13912345678")
    entries = await trail(admin, actor="worker-card")
    assert [(e["action"], e["resident_ids"], e["detail"]["via"]) for e in entries] == [
        ("pii.read", [resident["id"]], "read")]
