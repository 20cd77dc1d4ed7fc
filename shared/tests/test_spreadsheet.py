"""Exported cells that read like formulas are written as text: no formula stored, the text read back as it was."""
from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from linli_shared.spreadsheet import safe_row, safe_workbook

HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "@SUM(A1)", "-2+3", "\t=1"]
HARMLESS = ["张三", 42, -3, 1.5, "a=b", None]


def stored_formulas(content: bytes) -> list[str]:
    """Worksheet parts with a formula element in them."""
    archive = zipfile.ZipFile(io.BytesIO(content))
    return [name for name in archive.namelist()
            if name.startswith("xl/worksheets/") and (b"<f>" in archive.read(name) or b"<f " in archive.read(name))]


def _saved(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _read_back(content: bytes) -> list:
    row = load_workbook(io.BytesIO(content)).active[1]
    return [(cell.value, cell.data_type, bool(cell.quotePrefix)) for cell in row]


def test_a_write_only_row_keeps_formula_like_text_as_quoted_text():
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(safe_row(sheet, HOSTILE + HARMLESS))
    content = _saved(book)
    assert stored_formulas(content) == []
    assert _read_back(content)[:len(HOSTILE)] == [(text, "s", True) for text in HOSTILE]


def test_a_workbook_built_in_memory_is_made_safe_before_saving():
    book = Workbook()
    book.active.append(HOSTILE + HARMLESS)
    safe_workbook(book)
    content = _saved(book)
    assert stored_formulas(content) == []
    assert _read_back(content)[:len(HOSTILE)] == [(text, "s", True) for text in HOSTILE]


@pytest.mark.parametrize("value", HARMLESS)
def test_other_values_are_left_as_they_are(value):
    book = Workbook()
    sheet = book.active
    assert safe_row(sheet, [value]) == [value]
    sheet.append([value])
    safe_workbook(book)
    assert not sheet["A1"].quotePrefix
