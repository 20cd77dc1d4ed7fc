"""Ledgers as committees keep them, generated for the import tests: CSV in either encoding, or XLSX."""
from __future__ import annotations

import csv
import io
from datetime import date

import httpx
from openpyxl import Workbook

from linli_devtools.asgi import eventually
from linli_devtools.people import id_number

HEADER = ["户编号", "小区", "楼栋", "单元", "门牌", "网格", "与户主关系", "姓名", "身份证号", "出生日期", "联系电话",
          "民族", "就业状况", "健康状况", "党员", "志愿者", "重点监护", "低保金额"]


def csv_bytes(rows: list[list[str]], encoding: str = "gb18030", header: list[str] = HEADER) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list], header: list[str] = HEADER, title: str | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    if title:  # a title merged across the top, as printed ledgers have
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def upload(client: httpx.AsyncClient, community: str, content: bytes, name: str = "台账.csv") -> httpx.Response:
    return await client.post(f"/v1/communities/{community}/imports", files={"file": (name, content)})


async def import_and_wait(client: httpx.AsyncClient, community: str, content: bytes,
                          name: str = "台账.csv") -> dict:
    response = await upload(client, community, content, name)
    assert response.status_code == 202, response.text
    location = response.headers["Location"]

    async def finished() -> dict | None:
        job = (await client.get(location)).json()
        return job if job["status"] != "running" else None

    return await eventually(finished, timeout=60)


def problems(job: dict, kind: str = "errors") -> list[tuple[int, str | None, str]]:
    return sorted((e["row"], e["column"], e["code"]) for e in job[kind])


def iso(day: date) -> str:
    return day.isoformat()


# One committee's ledger with the mistakes real ledgers have: shared by the import and export tests.
OLD_MAN = id_number(date(1940, 2, 2), "male")
OUT_OF_WORK = id_number(date(1972, 5, 5), "male")
OLD_WOMAN = id_number(date(1950, 3, 7), "female")
CHILD = id_number(date(2022, 1, 1), "female")
_VALID = id_number(date(1980, 1, 1), "male")
BAD_CHECKSUM = _VALID[:17] + ("1" if _VALID[17] != "1" else "2")  # any check character but the right one
SPOUSE = id_number(date(1981, 1, 1), "female")
MISMATCH = id_number(date(1961, 1, 1), "male")
TWICE = id_number(date(1970, 6, 6), "male")
UNKNOWN_HEALTH = id_number(date(1975, 7, 7), "female")


def _ending_in_x() -> str:
    return next(n for seq in range(1, 499) if (n := id_number(date(1990, 9, 9), "female", seq=seq)).endswith("X"))


WITH_X = _ending_in_x()


def ledger_rows(old_man_phone: str = "13800001111", allowance: str = "182", zhao: str = BAD_CHECKSUM) -> list[list]:
    return [  # line 1 is the header; these are lines 2 to 13
        ["H1", "工农里", "31", "7", "1", "3", "户主", "王大爷", OLD_MAN, "", old_man_phone, "汉族", "退休", "良好",
         "是", "否", "", allowance],
        ["H2", "工农里", "32", "1", "101", "", "户主", "李四", OUT_OF_WORK, "", "13800002222/13900003333", "汉",
         "失业", "一般", "否", "否", "", ""],
        ["H3", "工农里", "33", "2", "202", "", "本人", "张三", OLD_WOMAN, "1950.3.7", "１３７００００１２３４", "01",
         "退休", "较差", "Y", "N", "孤老", ""],
        ["H2", "", "", "", "", "", "子女", "李小妹", CHILD, "", "", "汉族", "学龄前", "良好", "0", "0", "", ""],
        ["H4", "工农里", "34", "1", "1", "", "户主", "赵五", zhao, "", "", "汉族", "在职", "良好", "否", "否", "", ""],
        ["H4", "", "", "", "", "", "配偶", "赵五妻", SPOUSE, "", "", "汉族", "在职", "良好", "否", "否", "", ""],
        ["H5", "工农里", "35", "1", "1", "", "户主", "钱六", MISMATCH, "1960-01-01", "", "汉族", "在职", "良好",
         "否", "否", "", ""],
        ["H6", "工农里", "36", "1", "1", "", "户主", "孙七", TWICE, "", "", "汉族", "在职", "良好", "否", "否", "", ""],
        ["H7", "工农里", "37", "1", "1", "", "户主", "周八", TWICE, "", "", "汉族", "在职", "良好", "否", "否", "", ""],
        ["H8", "工农里", "38", "1", "1", "", "户主", "吴九", UNKNOWN_HEALTH, "", "", "汉族", "在职", "很好", "否",
         "否", "", ""],
        [""] * len(HEADER),
        ["H9", "工农里 ", "39", "1", "1", "", "户主", "郑十", WITH_X.lower(), "", "", "汉族", "在职", "良好", "否",
         "是", "", ""],
    ]


EXPECTED_ERRORS = [
    (6, "id_number", "resident.id_number.checksum"),
    (7, None, "import.household.skipped"),
    (8, "birth_date", "resident.birth_date.mismatch"),
    (9, "id_number", "import.id_number.duplicate"),
    (10, "id_number", "import.id_number.duplicate"),
    (11, "health", "import.value.unknown"),
]
