"""A committee's ledger through the public import: exact row errors, exact statistics, and a second run that
changes nothing and publishes nothing."""
from __future__ import annotations

import io
from datetime import date, datetime

import pytest

from linli_devtools.asgi import eventually
from linli_devtools.streams import stream_messages
from linli_shared.clock import Clock
from linli_shared.outbox import Outbox

from linli_registry.storage.imports import store_file

from ledger_files import (
    EXPECTED_ERRORS,
    OLD_MAN,
    OUT_OF_WORK,
    TWICE,
    WITH_X,
    csv_bytes,
    import_and_wait,
    ledger_rows,
    problems,
    upload,
    xlsx_bytes,
)
from registry_helpers import COMMUNITY, OTHER_COMMUNITY, id_number


async def settled(app, nats_url: str) -> int:
    """The number of events on the bus once the outbox has nothing left to publish."""
    outbox = Outbox(app.state.registry.db)

    async def drained() -> bool:
        return await outbox.pending_count() == 0

    await eventually(drained)
    return await stream_messages(nats_url, "REGISTRY")


async def test_a_gb18030_ledger_lands_with_exact_errors_and_statistics(admin):
    job = await import_and_wait(admin, COMMUNITY, csv_bytes(ledger_rows()))
    assert (job["status"], job["phase"], job["encoding"].lower()) == ("done", "finished", "gb18030")
    assert (job["rows_total"], job["rows_ok"], job["rows_failed"]) == (11, 5, 6)
    assert (job["residents_created"], job["households_created"]) == (5, 4)
    assert problems(job) == EXPECTED_ERRORS
    assert problems(job, "warnings") == [(3, "phone", "import.phone.multiple")]
    assert all(OUT_OF_WORK not in e["message"] and TWICE not in e["message"] for e in job["errors"] + job["warnings"])

    stats = (await admin.get(f"/v1/orgs/{COMMUNITY}/statistics")).json()["statistics"]
    assert {k: v for k, v in stats.items() if v} == {
        "residents": 5, "households": 4, "elderly_60": 2, "elderly_80": 1, "empty_nest_households": 2,
        "living_alone_elderly": 2, "unemployed": 1, "hard_to_employ_4050": 1, "low_income_households": 1,
        "low_income_residents": 1, "special_care": 1, "volunteers": 1, "party_members": 2, "children_under_6": 1,
        "childbearing_age_women": 1}

    household = (await admin.get(f"/v1/communities/{COMMUNITY}/residents", params={"q": "李小妹"})).json()["items"][0]
    members = (await admin.get(f"/v1/communities/{COMMUNITY}/residents",
                               params={"household_id": household["household_id"]})).json()["items"]
    assert sorted(m["name"] for m in members) == ["李四", "李小妹"]  # rows 3 and 5: one household
    zheng = (await admin.get(f"/v1/communities/{COMMUNITY}/residents", params={"q": "郑十"})).json()["items"][0]
    assert zheng["id_number"] == WITH_X  # lowercase x stored as X
    zhang = (await admin.get(f"/v1/communities/{COMMUNITY}/residents", params={"q": "张三"})).json()["items"][0]
    assert (zhang["phone"], zhang["relation_to_head"], zhang["special_care"]) == (
        "13700001234", "head", ["elderly_without_family"])


async def test_the_same_file_twice_changes_nothing_and_publishes_nothing(admin, app, nats_url):
    content = csv_bytes(ledger_rows())
    first = await import_and_wait(admin, COMMUNITY, content)
    after_first = await settled(app, nats_url)
    second = await import_and_wait(admin, COMMUNITY, content)
    assert second["status"] == "done" and problems(second) == problems(first) == EXPECTED_ERRORS
    assert (second["residents_created"], second["residents_updated"], second["residents_unchanged"]) == (0, 0, 5)
    assert (second["households_created"], second["households_updated"]) == (0, 0)
    assert await settled(app, nats_url) == after_first
    listed = (await admin.get(f"/v1/communities/{COMMUNITY}/imports")).json()
    assert [job["import_id"] for job in listed] == [second["import_id"], first["import_id"]]


async def test_a_corrected_file_updates_only_what_changed(admin, app, nats_url):
    await import_and_wait(admin, COMMUNITY, csv_bytes(ledger_rows()))
    before = await settled(app, nats_url)
    fixed = id_number(date(1980, 1, 1), "male")
    job = await import_and_wait(admin, COMMUNITY, csv_bytes(ledger_rows("13800009999", "200", zhao=fixed)))
    assert problems(job) == EXPECTED_ERRORS[2:]  # the 赵 household now goes in
    assert (job["residents_created"], job["residents_updated"], job["residents_unchanged"]) == (2, 1, 4)
    assert (job["households_created"], job["households_updated"]) == (1, 1)
    # 赵's household and its two residents registered; 王 updated; his household's allowance re-rated.
    assert await settled(app, nats_url) == before + 5
    wang = (await admin.get(f"/v1/communities/{COMMUNITY}/residents", params={"q": "王大爷"})).json()["items"][0]
    assert wang["phone"] == "13800009999" and wang["version"] == 2
    household = (await admin.get(f"/v1/households/{wang['household_id']}")).json()
    assert household["low_income"]["monthly_amount_cny"] == 200
    # Both imports ran today: the re-rate replaces today's period instead of adding a one-day one.
    assert [p["monthly_amount_cny"] for p in household["low_income_history"]] == [200]


async def test_an_xlsx_ledger_with_a_title_row_and_excel_dates(admin):
    rows = [["H1", "工农里", "31", "7", "1", "", "户主", "王大爷", OLD_MAN, 14643, 13800001111, "汉族", "退休", "良好",
             "是", "否", "", 182.0]]
    job = await import_and_wait(admin, COMMUNITY, xlsx_bytes(rows, title="工农里社区居民台账"), "台账.xlsx")
    assert job["format"] == "xlsx" and problems(job) == [] and job["rows_ok"] == 1
    wang = (await admin.get(f"/v1/communities/{COMMUNITY}/residents", params={"q": "王大爷"})).json()["items"][0]
    assert (wang["birth_date"], wang["phone"]) == ("1940-02-02", "13800001111")


@pytest.mark.parametrize(("content", "status", "code"), [
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, 415, "import.file.not_a_spreadsheet"),
    (b"", 422, "import.file.empty"),
    ("名字,电话\n王,1380000\n".encode(), 422, "import.header.not_found"),
])
async def test_a_file_that_is_not_a_ledger_is_refused_whole(admin, content, status, code):
    response = await upload(admin, COMMUNITY, content)
    assert response.status_code == status, response.text
    assert response.json()["code"] == code


async def test_imports_are_scoped(client_for, make_token, admin):
    other = client_for(make_token(roles=["worker"], scope=[OTHER_COMMUNITY]))
    response = await upload(other, COMMUNITY, csv_bytes(ledger_rows()))
    assert response.status_code == 403
    job = await import_and_wait(admin, COMMUNITY, csv_bytes(ledger_rows()[:1]))
    assert (await other.get(f"/v1/imports/{job['import_id']}")).status_code == 403


async def test_a_resident_active_elsewhere_keeps_the_household_out(admin):
    await import_and_wait(admin, OTHER_COMMUNITY, csv_bytes([ledger_rows()[1]]))
    job = await import_and_wait(admin, COMMUNITY, csv_bytes([ledger_rows()[1], ledger_rows()[3]]))
    assert problems(job) == [(2, "id_number", "import.resident.other_community"),
                             (3, None, "import.household.skipped")]


async def test_an_interrupted_import_is_run_again_by_the_next_worker(admin, app):
    """A job whose worker died (lease run out) is claimed again and finishes; rows already written stay single."""
    content = csv_bytes(ledger_rows())
    job = await import_and_wait(admin, COMMUNITY, content)
    # As a crash leaves it: still running, its file still stored, its worker's lease run out. The job is marked
    # done a moment before its file is deleted, so wait for that before storing the file again.
    db = app.state.registry.db

    async def file_deleted() -> bool:
        return await db["import_files"].count_documents({"import_id": job["import_id"]}) == 0

    await eventually(file_deleted)
    await store_file(db, app.state.registry.vault, job["import_id"], io.BytesIO(content))
    await db["imports"].update_one({"_id": job["import_id"]}, {"$set": {
        "status": "running", "rows_done": 3, "lease_owner": "dead-worker", "lease_until": datetime(2000, 1, 1)}})
    app.state.import_runner.new_jobs.ring()

    async def finished_again() -> dict | None:
        again = (await admin.get(f"/v1/imports/{job['import_id']}")).json()
        return again if again["status"] == "done" and again["finished_at"] != job["finished_at"] else None

    rerun = await eventually(finished_again, timeout=60)
    assert problems(rerun) == EXPECTED_ERRORS and rerun["residents_unchanged"] == 5
    assert (await admin.get(f"/v1/orgs/{COMMUNITY}/statistics")).json()["statistics"]["residents"] == 5


async def test_a_certificate_changed_in_the_ledger_keeps_its_history(admin):
    header = ["户编号", "小区", "姓名", "身份证号", "残疾类别", "残疾等级"]
    number = id_number(date(1960, 4, 4), "male")
    for grade in ("三级", "二级"):
        job = await import_and_wait(admin, COMMUNITY, csv_bytes([["H1", "工农里", "刘一", number, "肢体", grade]],
                                                                header=header))
    assert job["residents_updated"] == 1
    resident = (await admin.get(f"/v1/communities/{COMMUNITY}/residents", params={"q": "刘一"})).json()["items"][0]
    assert resident["disability"] == {"category": "physical", "grade": 2}
    history = (await admin.get(f"/v1/residents/{resident['id']}/memberships")).json()["history"]
    today = Clock().today().isoformat()  # the registry's clock (Asia/Shanghai) is the real one here
    assert [(h["grade"], h["start"], h["end"]) for h in history] == [(3, None, today), (2, today, None)]


async def test_the_listing_takes_several_groups_and_a_grid(admin):
    await import_and_wait(admin, COMMUNITY, csv_bytes(ledger_rows()))
    listing = (await admin.get(f"/v1/communities/{COMMUNITY}/residents",
                               params={"group": ["elderly_60", "living_alone_elderly"]})).json()["items"]
    assert sorted(r["name"] for r in listing) == ["张三", "王大爷"]
    in_grid = (await admin.get(f"/v1/communities/{COMMUNITY}/residents",
                               params={"group": "elderly_60", "grid": f"{COMMUNITY}-03"})).json()["items"]
    assert [r["name"] for r in in_grid] == ["王大爷"]


async def test_a_utf8_ledger_with_a_byte_order_mark(admin):
    job = await import_and_wait(admin, COMMUNITY, csv_bytes(ledger_rows()[:1], encoding="utf-8-sig"))
    assert (job["encoding"], job["rows_ok"], job["errors"]) == ("utf-8-sig", 1, [])


async def test_a_file_over_the_limit_is_refused_before_anything_is_stored(admin, app):
    app.state.import_max_bytes = 100  # LINLI_REGISTRY_IMPORT_MAX_BYTES, made small
    response = await upload(admin, COMMUNITY, csv_bytes(ledger_rows()))
    assert (response.status_code, response.json()["code"]) == (413, "import.file.too_large")
    assert await app.state.registry.db["imports"].count_documents({}) == 0
