"""The ledger export: what it writes, the reader reads back as the same values."""
from __future__ import annotations

import io
from datetime import date, datetime, timezone
from pathlib import Path

from openpyxl import load_workbook

from linli_devtools.people import id_number
from linli_shared.domain.groups import GROUPS

from linli_registry.domain.ledger import COLUMNS, parse_row
from linli_registry.domain.ledger_labels import GROUP_LABELS
from linli_registry.files.reader import open_ledger
from linli_registry.files.writer import LedgerSummary, filters_text, write_ledger

TODAY = date(2024, 6, 1)
FULL = {
    "household_ref": "H1", "estate": "工农里", "building": "31", "unit": "7", "room": "1",
    "grid": "130303001001-03", "housing": "public", "relation_to_head": "head", "name": "张三", "id_type": "id_card",
    "id_number": id_number(date(1950, 3, 7), "male"), "gender": "male", "birth_date": date(1950, 3, 7),
    "phone": "13800138000", "ethnicity": "30", "residence_type": "registered", "employment_status": "retired",
    "health": "bedridden", "disability": {"category": "physical", "grade": 2}, "party_member": True,
    "volunteer": False, "retired_cadre": {"kind": "lixiu", "rank": "处级"}, "special_care": ["hiv", "dementia"],
    "low_income_monthly_cny": 182.5, "birthday_calendar": "lunar",
    "age": 74, "groups": ["elderly_60", "disabled"], "status": "active",
}
SPARSE = {  # what a freshly registered resident has: mostly nothing
    "name": "李秀兰", "id_type": "id_card", "id_number": id_number(date(2020, 2, 29), "female"), "gender": "female",
    "birth_date": "2020-02-29", "household_ref": None, "disability": None, "party_member": None, "volunteer": None,
    "retired_cadre": None, "special_care": [], "low_income_monthly_cny": None, "age": 4, "groups": [],
    "status": "moved_out",
}
PASSPORT = {"name": "John Smith", "id_type": "passport", "id_number": "E12345678", "gender": "male",
            "birth_date": date(1980, 1, 2), "relation_to_head": "spouse", "household_ref": "H1", "ethnicity": None,
            "volunteer": {"skills": ["英语"]}, "party_member": False, "low_income_monthly_cny": 0.0, "age": 44,
            "groups": [], "status": "active"}


def _summary(**changes) -> LedgerSummary:
    values = dict(title="工农里社区居民台账", org_code="130303001001", org_name="工农里社区", as_of=TODAY,
                  filters={"group": "elderly_60", "status": "active"}, rows=-1, masked=False,
                  generated_at=datetime(2024, 6, 1, 1, 30, tzinfo=timezone.utc), generated_by="王红（社工）",
                  statistics={"residents": 3, "elderly_60": 1, "households": 2})
    return LedgerSummary(**{**values, **changes})


def _stored(row: dict) -> dict:
    """A row as parse_row gives it, for comparison with what was exported."""
    out = {column.key: row.get(column.key) for column in COLUMNS if not column.key.startswith("disability_")}
    out["special_care"] = sorted(row.get("special_care") or [])
    out["disability"] = row.get("disability")
    cadre = row.get("retired_cadre")
    out["retired_cadre"] = cadre["kind"] if isinstance(cadre, dict) else cadre
    volunteer = row.get("volunteer")
    out["volunteer"] = True if isinstance(volunteer, dict) else volunteer
    out["birth_date"] = date.fromisoformat(str(row["birth_date"]))
    out["id_type"] = row.get("id_type") or "id_card"
    return out


def test_round_trip(tmp_path: Path):
    path = tmp_path / "export.xlsx"
    assert write_ledger(path, iter([FULL, SPARSE, PASSPORT]), _summary()) == 3
    ledger = open_ledger(path)
    assert (ledger.format, ledger.header_row, ledger.header.ignored) == ("xlsx", 1, [])
    parsed = [parse_row(ledger.header, number, cells, TODAY) for number, cells in ledger.rows()]
    assert [(p.errors, p.warnings) for p in parsed] == [([], [])] * 3
    for original, result in zip([FULL, SPARSE, PASSPORT], parsed, strict=True):
        back = result.row.model_dump(exclude={"row", "present"})
        assert back == _stored(original)


def test_ledger_sheet_layout(tmp_path: Path):
    path = tmp_path / "export.xlsx"
    write_ledger(path, [FULL, SPARSE], _summary())
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["台账", "统计"]
    sheet = workbook["台账"]
    assert [cell.value for cell in sheet[1]] == [column.header for column in COLUMNS] + ["年龄", "人群", "状态"]
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["K"].width == 21  # 身份证号
    values = {column.header: cell for column, cell in zip(COLUMNS, sheet[2], strict=False)}
    assert values["身份证号"].data_type == "s" and values["身份证号"].number_format == "@"
    assert values["联系电话"].value == "13800138000" and values["联系电话"].data_type == "s"
    assert [values[h].value for h in ("与户主关系", "民族", "残疾类别", "残疾等级", "党员", "志愿者", "老干部",
                                      "重点监护", "出生日期", "低保金额")] == [
        "户主", "土族", "肢体残疾", "二级", "是", "否", "离休", "艾滋病、痴呆", "1950-03-07", 182.5]
    assert [cell.value for cell in sheet[2][-3:]] == [74, "60岁以上老年人、残疾人", "在册"]
    assert [cell.value for cell in sheet[3][-3:]] == [4, None, "迁出"]


def test_summary_sheet(tmp_path: Path):
    target = io.BytesIO()  # a file object works as well as a path
    assert write_ledger(target, [FULL, SPARSE], _summary()) == 2
    sheet = load_workbook(io.BytesIO(target.getvalue()))["统计"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "工农里社区居民台账"
    facts = {row[0]: row[1] for row in rows[2:9]}
    assert facts == {"单位": "工农里社区（130303001001）", "统计日期": "2024-06-01",
                     "筛选条件": "人群：60岁以上老年人；状态：在册", "导出行数": 2, "身份证号": "未脱敏",
                     "生成时间": "2024-06-01 09:30:00（北京时间）", "生成人": "王红（社工）"}
    assert rows[10] == ("人群", "人数")
    table = rows[11:]
    assert [label for label, _ in table] == [GROUP_LABELS[group] for group in GROUPS]
    assert dict(table)["居民"] == 3 and dict(table)["户数"] == 2 and dict(table)["独居老人"] == 0


def test_summary_keeps_a_given_row_count_and_says_masked(tmp_path: Path):
    path = tmp_path / "export.xlsx"
    write_ledger(path, [], _summary(rows=7, masked=True, filters={}))
    facts = {row[0]: row[1] for row in load_workbook(path)["统计"].iter_rows(values_only=True)}
    assert (facts["导出行数"], facts["身份证号"], facts["筛选条件"]) == (7, "已脱敏", "无（全部居民）")
    assert list(load_workbook(path)["台账"].iter_rows(values_only=True))[1:] == []


def test_filters_in_words():
    assert filters_text({"group": "living_alone_elderly", "q": "张", "status": "deceased"}) == \
        "人群：独居老人；搜索：张；状态：死亡"


def test_many_rows_stream(tmp_path: Path):
    rows = ({**SPARSE, "name": f"居民{n}", "id_number": id_number(date(1960, 1, 1), "male")} for n in range(1000))
    path = tmp_path / "export.xlsx"
    assert write_ledger(path, rows, _summary()) == 1000
    assert sum(1 for _ in open_ledger(path).rows()) == 1000
