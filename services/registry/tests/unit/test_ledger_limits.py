"""Header and cell lengths: matching is linear in the header's length, and over-long cells are row errors."""
from __future__ import annotations

import time
from datetime import date

import pytest

from linli_registry.domain.ledger import (
    COLUMNS,
    MAX_CELL_CHARS,
    MAX_HEADER_CHARS,
    normalize_header,
    parse_row,
    recognise_header,
)

from ledger_files import OLD_MAN

TODAY = date(2024, 6, 1)
HEADER = recognise_header([column.header for column in COLUMNS])


def _cells(**values) -> list:
    cells = {"name": "王大爷", "id_number": OLD_MAN, **values}
    return [cells.get(column.key) for column in COLUMNS]


@pytest.mark.parametrize("opening", ["(", "[", "【", "<", "《", "(a)"])
def test_header_normalisation_takes_linear_time_even_for_200000_unclosed_brackets(opening):
    text = opening * (200_000 // len(opening))
    started = time.perf_counter()
    normalize_header(text)
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(("written", "normalised"), [
    ("姓 名*（必填）", "姓名"), ("低保金额(元/月)", "低保金额"), ("ID Number", "idnumber"),
    ("身份证号【18位】<必填>", "身份证号"), ("(未闭合", "(未闭合"), ("联系电话(手机)(备用)", "联系电话"),
    ("《出生》日期]", "日期]"),
])
def test_header_normalisation_still_drops_brackets_and_noise(written, normalised):
    assert normalize_header(written) == normalised


def test_a_header_cell_of_20000_characters_is_ignored_shortened_and_the_rest_recognised():
    started = time.perf_counter()
    header = recognise_header(["(" * 20_000, "姓名", "身份证号"])
    assert time.perf_counter() - started < 0.1
    assert header.present == {"name", "id_number"}
    assert header.ignored == ["(" * MAX_HEADER_CHARS + "…"]


@pytest.mark.parametrize("column", ["ethnicity", "name", "estate", "birth_date", "phone", "low_income_monthly_cny"])
def test_a_cell_over_the_limit_is_an_error_of_its_row_not_a_crash(column):
    parsed = parse_row(HEADER, 7, _cells(**{column: "1" * 5_000}), TODAY)
    assert parsed.row is None
    assert [(e.row, e.column, e.code) for e in parsed.errors] == [(7, column, "import.value.too_long")]
    assert "1" * 30 not in parsed.errors[0].message  # the cell is not repeated back


def test_a_cell_at_the_limit_is_read():
    parsed = parse_row(HEADER, 7, _cells(estate="工" * MAX_CELL_CHARS), TODAY)
    assert parsed.errors == [] and parsed.row.estate == "工" * MAX_CELL_CHARS
