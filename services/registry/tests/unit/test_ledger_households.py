"""From ledger rows to households (户): the key, inherited (merged) cells, conflicts, grids and heads."""
from __future__ import annotations

from datetime import date

import pytest

from linli_devtools.people import id_number

from linli_registry.domain.ledger import LedgerRow, RowError, map_header, parse_row
from linli_registry.domain.ledger_households import grid_code, household_key, household_warnings, plan_household

TODAY = date(2024, 6, 1)
BORN = date(1960, 5, 4)
COMMUNITY = "130303001001"
GRIDS = frozenset({f"{COMMUNITY}-01", f"{COMMUNITY}-03", f"{COMMUNITY}-12"})
NAMES = ("张三", "李四", "王五", "赵六")
ADDRESS_HEADERS = ("户编号", "小区", "楼栋", "单元", "门牌")


def ledger(headers: tuple[str, ...], *members: tuple[object, ...], first: int = 2) -> list[LedgerRow]:
    """Rows `first`, `first + 1`, … under 姓名, 身份证号, *headers; each member gives the cells of `headers`."""
    header = map_header(["姓名", "身份证号", *headers])
    rows = []
    for offset, cells in enumerate(members):
        parsed = parse_row(header, first + offset, [NAMES[offset], id_number(BORN), *cells], TODAY)
        assert parsed.errors == [], parsed.errors
        rows.append(parsed.row)
    return rows


def direct(row: int, **values: object) -> LedgerRow:
    """A row built without the parser, for values the ledger columns would not let through."""
    return LedgerRow(row=row, present=frozenset({"name", "id_number", *values}), name=NAMES[0],
                     id_number=id_number(BORN), gender="female", birth_date=BORN, **values)


def plan(rows: list[LedgerRow], grids: frozenset[str] = GRIDS):
    return plan_household(household_key(rows[0]), rows, COMMUNITY, grids)


# ---------------------------------------------------------------- key

def test_the_household_number_wins_over_the_address():
    [row] = ledger(ADDRESS_HEADERS, ("12", "工农里", "3", "2", "301"))
    assert household_key(row) == "ref:12"


def test_without_a_number_the_address_is_the_key():
    full, partial = ledger(ADDRESS_HEADERS, ("", "工农里", "3", "2", "301"), (None, "工农里", None, None, None))
    assert household_key(full) == "addr:工农里|3|2|301"
    assert household_key(partial) == "addr:工农里|||"


def test_rows_at_the_same_address_share_the_key_so_a_reimport_finds_them():
    one, two = ledger(ADDRESS_HEADERS[1:], ("工农里", "3", "2", "301"), ("工农里", "3", "2", "301"))
    assert household_key(one) == household_key(two)


def test_neither_number_nor_address_means_no_household():
    [blank], [bare] = ledger(ADDRESS_HEADERS, ("", "", None, "", None)), ledger((), ())
    assert household_key(blank) is None
    assert household_key(bare) is None


# ---------------------------------------------------------------- plan

def test_blank_cells_inherit_from_the_member_row_that_states_them():
    rows = ledger(("户编号", "小区", "楼栋", "单元", "门牌", "网格", "住房性质", "低保金额"),
                  ("7", "工农里", "3", "2", "301", "3", "公房", ""),
                  ("7", "", "", "", "", "", "", "182"),  # the allowance is written on the second member's row
                  ("7", None, None, None, None, None, None, None))
    household, errors = plan(rows)
    assert errors == []
    assert (household.key, household.ref, household.rows) == ("ref:7", "7", rows)
    assert household.values == {"estate": "工农里", "building": "3", "unit": "2", "room": "301",
                                "grid": f"{COMMUNITY}-03", "housing": "public", "low_income_monthly_cny": 182.0}
    assert household.address == {"estate": "工农里", "building": "3", "unit": "2", "room": "301"}


def test_two_different_values_are_a_conflict_on_each_disagreeing_row():
    rows = ledger(("户编号", "小区", "住房性质"),
                  ("7", "工农里", "自有"), ("7", "", ""), ("7", "建树里", "租赁"), ("7", "工农里", "自有"))
    household, errors = plan(rows)
    assert household is None
    assert errors == [
        RowError(4, "estate", "import.household.conflict",
                 "同一户的第2行为“工农里”，本行为“建树里”，请统一 (rows of one household disagree on estate)"),
        RowError(4, "housing", "import.household.conflict",
                 "同一户的第2行为“owned”，本行为“rented”，请统一 (rows of one household disagree on housing)"),
    ]


def test_every_row_that_differs_from_the_first_stated_value_is_named():
    rows = ledger(("户编号", "低保金额"), ("7", ""), ("7", "182"), ("7", "200"), ("7", "150"))
    household, errors = plan(rows)
    assert household is None
    assert [(e.row, e.column, e.code) for e in errors] == [
        (4, "low_income_monthly_cny", "import.household.conflict"),
        (5, "low_income_monthly_cny", "import.household.conflict")]
    assert errors[0].message.startswith("同一户的第3行为“182.0”，本行为“200.0”")


@pytest.mark.parametrize("cell", ["3", "03", 3, 3.0, "第3网格", f"{COMMUNITY}-03", f"{COMMUNITY}-3"])
def test_a_grid_cell_resolves_to_the_communitys_grid_code(cell):
    household, errors = plan(ledger(("户编号", "网格"), ("7", cell)))
    assert errors == []
    assert household.values["grid"] == f"{COMMUNITY}-03"


@pytest.mark.parametrize("value", ["3", "03", "003", " 3 ", "第3网格", "第03网格", "3网格", f"{COMMUNITY}-03",
                                   f"{COMMUNITY}-3"])
def test_grid_code_accepts_number_ordinal_and_full_code(value):
    assert grid_code(value, COMMUNITY, GRIDS) == (f"{COMMUNITY}-03", None)


def test_a_grid_written_as_an_ordinal_resolves_in_the_plan():
    household, errors = plan([direct(2, household_ref="7", grid="第3网格"), direct(3, household_ref="7")])
    assert errors == []
    assert household.values["grid"] == f"{COMMUNITY}-03"


def test_one_grid_written_two_ways_is_no_conflict():
    household, errors = plan(ledger(("户编号", "网格"), ("7", "3"), ("7", f"{COMMUNITY}-03")))
    assert errors == [] and household.values["grid"] == f"{COMMUNITY}-03"


def test_an_unknown_grid_keeps_the_household_out_and_lists_the_known_grids():
    rows = ledger(("户编号", "网格"), ("7", ""), ("7", "7"))
    household, errors = plan(rows)
    assert household is None
    assert errors == [RowError(3, "grid", "import.grid.unknown",
                               "本社区没有网格“07”，已登记的网格：01、03、12 (unknown grid)")]


def test_another_communitys_grid_code_is_unknown_and_no_grids_reads_none():
    assert grid_code("130303001002-03", COMMUNITY, GRIDS) == (
        "130303001002-03", "本社区没有网格“130303001002-03”，已登记的网格：01、03、12 (unknown grid)")
    assert grid_code("3", COMMUNITY, frozenset()) == (
        f"{COMMUNITY}-03", "本社区没有网格“3”，已登记的网格：无 (unknown grid)")


def test_present_holds_only_the_household_columns_the_file_has():
    household, errors = plan(ledger(("户编号", "小区", "网格", "联系电话", "健康状况"),
                                    ("7", "工农里", "", "13800138000", "良好")))
    assert errors == []
    assert household.present == {"estate", "grid"}  # not household_ref, phone or health
    assert household.values == {"estate": "工农里", "building": None, "unit": None, "room": None, "grid": None,
                                "housing": None, "low_income_monthly_cny": None}
    assert household.address == {"estate": "工农里", "building": None, "unit": None, "room": None}


def test_no_address_column_means_no_address_but_a_blank_one_clears():
    without, _ = plan(ledger(("户编号", "网格", "住房性质"), ("7", "1", "自有")))
    assert without.present == {"grid", "housing"}
    assert without.address is None
    blank, _ = plan(ledger(("户编号", "门牌"), ("7", "")))
    assert blank.present == {"room"}
    assert blank.address == {"estate": None, "building": None, "unit": None, "room": None}


# ---------------------------------------------------------------- warnings

def test_each_extra_head_is_a_warning():
    rows = ledger(("户编号", "与户主关系"), ("7", "户主"), ("7", "配偶"), ("7", "本人"), ("7", "户主"))
    household, errors = plan(rows)
    assert errors == []
    message = "同一户有3位户主（第2行起）(more than one head of household)"
    assert household_warnings(household) == [RowError(4, "relation_to_head", "import.household.two_heads", message),
                                             RowError(5, "relation_to_head", "import.household.two_heads", message)]


def test_one_head_or_none_is_no_warning():
    one, _ = plan(ledger(("户编号", "与户主关系"), ("7", "户主"), ("7", "子女")))
    none, _ = plan(ledger(("户编号", "与户主关系"), ("7", "配偶"), ("7", "")))
    assert household_warnings(one) == []
    assert household_warnings(none) == []
