"""Cells of exported workbooks that read like formulas stay text (CSV/formula injection).

openpyxl stores any string starting with `=` as a formula, and Excel re-reads a cell starting with
`+`, `-` or `@` as one as soon as a worker edits it. A name like `=HYPERLINK("http://…","点此")`
must reach the sheet as the name, so such a cell is written as a string and marked with Excel's
quote prefix (the `'` a worker would type): shown as text, kept text on edit, read back unchanged.

openpyxl is imported when a cell needs it: only the services that write workbooks (registry,
reports) depend on it.
"""
from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def reads_as_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def safe_cell(sheet: Any, value: Any) -> Any:
    """`value` (or a cell) as given, unless it reads like a formula: then a text cell of the same text.

    Works for a normal and a write-only sheet alike: `sheet.append` takes cells in both.
    """
    is_cell = hasattr(value, "data_type")
    if not reads_as_formula(value.value if is_cell else value):
        return value
    if is_cell:
        cell = value
    else:
        from openpyxl.cell import Cell  # here, for the rare cell that needs it

        cell = Cell(sheet, row=1, column=1, value=value)  # placed by `append`, as a WriteOnlyCell is
    cell.data_type = "s"  # after the value: assigning a value starting with "=" makes it a formula
    cell.quotePrefix = True
    return cell


def safe_row(sheet: Any, values: list[Any]) -> list[Any]:
    return [safe_cell(sheet, value) for value in values]


def safe_workbook(book: Any) -> None:
    """Every cell of a workbook built in memory, just before it is saved (write-only sheets: `safe_row`)."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                safe_cell(sheet, cell)
