"""The ledger's columns and values as workers type them: header spellings, labels, dates, phones, identity."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from linli_devtools.people import id_number
from linli_shared.domain.groups import GROUPS

from linli_registry.domain.ledger import (
    COLUMNS,
    LedgerFileError,
    RowError,
    map_header,
    normalize_header,
    parse_row,
)
from linli_registry.domain.ledger_labels import GROUP_LABELS, VOCABULARIES, label_of

TODAY = date(2024, 6, 1)
BORN = date(1950, 3, 7)
ID = id_number(BORN, "male")


def _parse(values: dict[str, object], row: int = 5):
    """One row with the given columns (by key; the header is each column's Chinese name)."""
    headers = {column.key: column.header for column in COLUMNS}
    header = map_header([headers[key] for key in values])
    return parse_row(header, row, list(values.values()), TODAY)


def _ok(**values: object):
    parsed = _parse({"name": "张三", "id_number": ID, **values})
    assert parsed.errors == [], parsed.errors
    return parsed.row


def _codes(parsed) -> list[tuple[int, str | None, str]]:
    return [(error.row, error.column, error.code) for error in parsed.errors]


# ---------------------------------------------------------------- header

def test_header_accepts_chinese_english_aliases_and_decorations():
    header = map_header(["序号", "姓 名*（必填）", "公民身份号码：", "phone", "低保金额(元/月)", " 与户主的关系 ",
                         "ＩＤ＿ＴＹＰＥ", "出生年月", "户号"])
    assert header.columns == {1: "name", 2: "id_number", 3: "phone", 4: "low_income_monthly_cny",
                              5: "relation_to_head", 6: "id_type", 7: "birth_date", 8: "household_ref"}
    assert header.recognised["姓 名*(必填)"] == "name"  # as written, after NFKC
    assert header.ignored == ["序号"]


def test_header_tolerates_misspellings_but_not_other_columns():
    header = map_header(["姓名", "身份正号", "联系电活", "户主身份证号"])
    assert header.columns == {0: "name", 1: "id_number", 2: "phone"}
    assert header.ignored == ["户主身份证号"]  # the head's number is not this resident's


def test_a_near_miss_never_beats_the_exact_spelling():
    header = map_header(["姓名", "身份证号", "身份正号"])
    assert header.columns == {0: "name", 1: "id_number"}
    assert header.ignored == ["身份正号"]


def test_export_only_columns_are_ignored_silently():
    header = map_header(["姓名", "身份证号", "年龄", "人群", "状态", "备注", "编号", "序号"])
    assert header.present == {"name", "id_number"}
    assert header.ignored == ["备注", "编号", "序号"]  # two characters are too few to guess a misspelling


def test_missing_required_columns_are_named_in_plain_words():
    with pytest.raises(LedgerFileError) as caught:
        map_header(["姓名", "性别", "电话"])
    assert caught.value.code == "import.header.missing_columns"
    assert caught.value.message == "表头缺少必填列：身份证号 (id_number)"


def test_two_headers_for_one_column_are_refused():
    with pytest.raises(LedgerFileError) as caught:
        map_header(["姓名", "身份证号", "电话", "手机号"])
    assert caught.value.code == "import.header.duplicate_column"
    assert "电话" in caught.value.message and "手机号" in caught.value.message


def test_every_spelling_belongs_to_one_column():
    spellings = [normalize_header(s) for c in COLUMNS for s in {c.key, c.header, *c.aliases}]
    assert len(spellings) == len(set(spellings))


# ---------------------------------------------------------------- values

def test_full_width_digits_and_padding_spaces_become_plain_text():
    row = _ok(room="１３０３", building=" ３１ ", name="张　三\u00a0", phone="１３８００１３８０００")
    assert (row.room, row.building, row.name, row.phone) == ("1303", "31", "张三", "13800138000")
    full_width_id = ID.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    assert _ok(id_number=full_width_id).id_number == ID


def test_numbers_from_excel_lose_their_point_zero():
    row = _ok(room=1.0, unit=7, phone=13800138000.0, household_ref=12.0, grid=3.0)
    assert (row.room, row.unit, row.phone, row.household_ref, row.grid) == ("1", "7", "13800138000", "12", "03")


@pytest.mark.parametrize(("cell", "expected"), [
    ("是", True), ("否", False), ("Y", True), ("N", False), ("y", True), ("n", False), ("1", True), ("0", False),
    ("true", True), ("FALSE", False), ("√", True), ("×", False), ("有", True), ("无", False), (1, True), (0.0, False),
    (True, True), ("", None), (None, None),
])
def test_yes_no_cells(cell, expected):
    assert _ok(party_member=cell).party_member is expected
    assert _ok(volunteer=cell).volunteer is expected


def test_political_status_column_says_party_member():
    header = map_header(["姓名", "身份证号", "政治面貌"])
    assert parse_row(header, 2, ["张三", ID, "中共党员"], TODAY).row.party_member is True
    assert parse_row(header, 2, ["张三", ID, "群众"], TODAY).row.party_member is False


@pytest.mark.parametrize("cell", [
    "1950.3.7", "1950-03-07", "1950/3/7", "1950年3月7日", "19500307", "1950-03-07 00:00:00", "１９５０．３．７",
    datetime(1950, 3, 7), BORN, 18329, 18329.0, "18329",
])
def test_birth_dates_in_every_usual_spelling(cell):
    assert _ok(birth_date=cell).birth_date == BORN


def test_year_and_month_only_is_checked_against_the_id_number():
    assert _ok(birth_date="1950.3").birth_date == BORN
    parsed = _parse({"name": "张三", "id_number": ID, "birth_date": "1950年4月"})
    assert _codes(parsed) == [(5, "birth_date", "resident.birth_date.mismatch")]


def test_a_date_that_is_no_date():
    parsed = _parse({"name": "张三", "id_number": ID, "birth_date": "1950-02-30"})
    assert _codes(parsed) == [(5, "birth_date", "import.date.format")]
    assert "1950-03-07" in parsed.errors[0].message  # shows the expected spelling


def test_lowercase_x_and_spaces_inside_an_id_number():
    with_x = next(n for seq in range(50) if (n := id_number(BORN, "female", seq=seq)).endswith("X"))
    typed = f"{with_x[:6]} {with_x[6:14]} {with_x[14:-1]}x"
    row = _ok(id_number=typed)
    assert (row.id_number, row.gender, row.birth_date) == (with_x, "female", BORN)


def test_id_number_and_birth_date_disagree():
    parsed = _parse({"name": "张三", "id_number": ID, "birth_date": "1951-03-07", "gender": "女"}, row=9)
    assert parsed.row is None
    # resolve_identity reports the first disagreement it sees
    assert _codes(parsed) == [(9, "birth_date", "resident.birth_date.mismatch")]


def test_bad_check_digit_names_no_full_number():
    wrong = ID[:-1] + ("0" if ID[-1] != "0" else "1")
    parsed = _parse({"name": "张三", "id_number": wrong})
    assert _codes(parsed) == [(5, "id_number", "resident.id_number.checksum")]
    assert wrong not in parsed.errors[0].message


def test_an_id_number_excel_turned_into_a_number():
    parsed = _parse({"name": "张三", "id_number": float(ID[:-1] + "0")})
    assert _codes(parsed) == [(5, "id_number", "resident.id_number.format")]
    assert "文本" in parsed.errors[0].message


def test_a_phone_cell_with_two_numbers_keeps_the_first_and_warns():
    parsed = _parse({"name": "张三", "id_number": ID, "phone": "138-0013-8000 / 139 0013 9000"}, row=7)
    assert parsed.row.phone == "13800138000"
    assert [(w.row, w.column, w.code) for w in parsed.warnings] == [(7, "phone", "import.phone.multiple")]
    assert "139****9000" in parsed.warnings[0].message and "13900139000" not in parsed.warnings[0].message
    assert _ok(phone="13800138000 13900139000").phone == "13800138000"


@pytest.mark.parametrize(("cell", "expected"), [
    ("+86 138 0013 8000", "13800138000"), ("0310-1234567", "0310-1234567"), ("1234567", "1234567"),
    ("8613800138000", "13800138000"),
])
def test_phone_spellings(cell, expected):
    assert _ok(phone=cell).phone == expected


def test_a_phone_that_is_no_phone():
    parsed = _parse({"name": "张三", "id_number": ID, "phone": "1380013800"})
    assert _codes(parsed) == [(5, "phone", "import.phone.format")]
    assert "1380013800" not in parsed.errors[0].message


def test_an_unknown_label_lists_the_accepted_ones():
    parsed = _parse({"name": "张三", "id_number": ID, "relation_to_head": "表哥"})
    assert _codes(parsed) == [(5, "relation_to_head", "import.value.unknown")]
    assert "表哥" in parsed.errors[0].message and "户主、配偶、子女" in parsed.errors[0].message


def test_all_errors_of_a_row_are_reported_at_once():
    parsed = _parse({"name": " ", "id_number": ID, "health": "很好", "phone": "12", "low_income_monthly_cny": "很多",
                     "ethnicity": "火星"}, row=3)
    assert parsed.row is None
    assert _codes(parsed) == [(3, "name", "import.value.required"), (3, "phone", "import.phone.format"),
                              (3, "ethnicity", "import.value.unknown"), (3, "health", "import.value.unknown"),
                              (3, "low_income_monthly_cny", "import.number.format")]


def test_a_missing_id_number_is_required():
    parsed = _parse({"name": "张三", "id_number": None})
    assert _codes(parsed) == [(5, "id_number", "import.value.required")]


def test_labels_and_codes_are_both_accepted():
    row = _ok(relation_to_head="本人", housing="租住", residence_type="TEMPORARY", employment_status="下岗",
              health="卧床", birthday_calendar="阴历", retired_cadre="离休", gender="男", id_type="身份证")
    assert (row.relation_to_head, row.housing, row.residence_type, row.employment_status, row.health,
            row.birthday_calendar, row.retired_cadre, row.gender, row.id_type) == (
        "head", "rented", "temporary", "laid_off", "bedridden", "lunar", "lixiu", "male", "id_card")
    assert _ok(retired_cadre="").retired_cadre is None


def test_ethnicity_by_name_or_code_and_tu_is_not_tujia():
    assert [_ok(ethnicity=cell).ethnicity for cell in ("汉族", "汉", "1", 1, "01", "土族", "土", "土家族", "土家")] == [
        "01", "01", "01", "01", "01", "30", "30", "15", "15"]
    assert len(VOCABULARIES["ethnicity"]) == 56 and label_of("ethnicity", "56") == "基诺族"


@pytest.mark.parametrize(("category", "grade", "expected"), [
    ("肢体", "二级", {"category": "physical", "grade": 2}), ("视力残疾", "1", {"category": "visual", "grade": 1}),
    ("mental", 4, {"category": "mental", "grade": 4}), ("多重", "叁", {"category": "multiple", "grade": 3}),
    ("言语", "四", {"category": "speech", "grade": 4}), ("", "", None),
])
def test_disability(category, grade, expected):
    assert _ok(disability_category=category, disability_grade=grade).disability == expected


def test_disability_grade_without_category():
    parsed = _parse({"name": "张三", "id_number": ID, "disability_category": "", "disability_grade": "五级"})
    assert _codes(parsed) == [(5, "disability_category", "import.value.required")]


def test_special_care_categories_by_any_separator():
    row = _ok(special_care="孤老、重病, HIV；社区矫正 dementia/孤老")
    assert row.special_care == ["community_corrections", "dementia", "elderly_without_family", "hiv", "severe_illness"]
    assert _ok(special_care="").special_care == []


@pytest.mark.parametrize("cell", ["182", "182.00", "182元", "￥182", "¥ 182", 182, 182.0, "182元/月"])
def test_money(cell):
    assert _ok(low_income_monthly_cny=cell).low_income_monthly_cny == 182.0


def test_blank_household_ref_and_id_type_mean_own_household_and_id_card():
    row = _ok(household_ref="", id_type="")
    assert (row.household_ref, row.id_type) == (None, "id_card")
    assert row.present == {"name", "id_number", "household_ref", "id_type"}


def test_other_documents_need_birth_date_and_gender():
    parsed = _parse({"name": "John Smith", "id_number": "E 1234 5678", "id_type": "护照"})
    assert _codes(parsed) == [(5, "birth_date", "resident.birth_date.required")]
    row = _ok(name="John  Smith", id_number="E12345678", id_type="passport", birth_date="1980-01-02", gender="男")
    assert (row.name, row.id_type, row.id_number, row.birth_date) == ("John Smith", "passport", "E12345678",
                                                                     date(1980, 1, 2))


def test_row_error_is_a_plain_tuple():
    assert RowError(1, "name", "c", "m") == (1, "name", "c", "m")


def test_labels_for_the_export():
    assert [label_of("relation_to_head", "head"), label_of("disability_grade", 3), label_of("special_care", "hiv"),
            label_of("status", "moved_out"), label_of("health", None)] == ["户主", "三级", "艾滋病", "迁出", ""]
    assert list(GROUP_LABELS) == list(GROUPS)
