"""A person already registered in another community: the import and the API say so, and whom to ask, but
never where (otherwise a ledger of guessed ID numbers would find where anyone lives)."""
from __future__ import annotations

from datetime import date

from linli_devtools.orgs import ORG_TREE

from ledger_files import HEADER, csv_bytes, import_and_wait
from registry_helpers import COMMUNITY, OTHER_COMMUNITY, id_number, new_resident

BIRTH = date(1958, 4, 4)
OTHER_NAME = dict(ORG_TREE)[OTHER_COMMUNITY]


def never_says_where(text: str) -> None:
    assert OTHER_COMMUNITY not in text and OTHER_NAME not in text and "建树" not in text, text


async def test_an_import_row_of_someone_registered_elsewhere_names_no_community(admin):
    number = id_number(BIRTH, "male")
    await new_resident(admin, BIRTH, "male", OTHER_COMMUNITY, id_number=number)
    row = dict.fromkeys(HEADER, "")
    row.update({"户编号": "H1", "小区": "工农里", "楼栋": "31", "与户主关系": "户主", "姓名": "王建国",
                "身份证号": number})
    job = await import_and_wait(admin, COMMUNITY, csv_bytes([list(row.values())]))
    [error] = job["errors"]
    assert (error["row"], error["column"], error["code"]) == (2, "id_number", "import.resident.other_community")
    assert "本区其他社区" in error["message"] and "街道或区级管理员" in error["message"]
    never_says_where(error["message"])
    listed = await admin.get(f"/v1/imports/{job['import_id']}/errors")
    never_says_where(listed.text)


async def test_registering_someone_registered_elsewhere_is_409_naming_no_community(admin):
    number = id_number(BIRTH, "female")
    await new_resident(admin, BIRTH, community=OTHER_COMMUNITY, id_number=number)
    response = await admin.post(f"/v1/communities/{COMMUNITY}/residents", json={"name": "王秀英", "id_number": number})
    assert response.status_code == 409 and response.json()["code"] == "resident.duplicate"
    never_says_where(response.text)
