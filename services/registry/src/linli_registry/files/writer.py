"""Write the ledger (台账) export: the residents sheet, streamed, and a one-page 统计 summary.

What the writer puts in a cell, the reader and `parse_row` read back as the same value.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from os import PathLike
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from linli_shared.domain.groups import GROUPS
from linli_shared.spreadsheet import safe_row

from linli_registry.domain.ledger import COLUMNS, EXPORT_ONLY_HEADERS
from linli_registry.domain.ledger_labels import GROUP_LABELS, label_of

LEDGER_SHEET, SUMMARY_SHEET = "台账", "统计"
# China has kept UTC+8 without daylight saving since 1991: no tz database needed.
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")
_TEXT_KEYS = ("household_ref", "estate", "building", "unit", "room", "grid", "name")
_LABELLED_KEYS = ("housing", "relation_to_head", "id_type", "gender", "ethnicity", "residence_type",
                  "employment_status", "health", "birthday_calendar")
_AS_TEXT = ("id_number", "phone")  # a number would lose digits (and Excel shows 1.30303E+17)
_WIDTHS = {"id_number": 21, "phone": 14, "birth_date": 12, "estate": 14, "special_care": 18, "name": 10}
_EXPORT_WIDTHS = (6, 30, 8)  # 年龄 人群 状态
_BOLD = Font(bold=True)


@dataclass
class LedgerSummary:
    title: str
    org_code: str
    org_name: str
    as_of: date
    filters: dict[str, str]
    rows: int  # -1: the number of rows written
    masked: bool
    generated_at: datetime
    generated_by: str
    statistics: dict[str, int]


def write_ledger(target: str | PathLike[str] | IO[bytes], rows: Iterable[Mapping[str, Any]],
                 summary: LedgerSummary) -> int:
    """Stream `rows` into an XLSX at `target` (a path or a binary file); returns the number of rows written."""
    workbook = Workbook(write_only=True)
    # Created first so that 台账 is the first sheet; 统计 is filled once the count is known.
    ledger, totals = workbook.create_sheet(LEDGER_SHEET), workbook.create_sheet(SUMMARY_SHEET)
    _prepare_ledger(ledger)
    written = 0
    for row in rows:
        ledger.append(safe_row(ledger, _ledger_cells(ledger, row)))  # a name like `=HYPERLINK(…)` stays text
        written += 1
    _write_summary(totals, summary, written if summary.rows == -1 else summary.rows)
    workbook.save(target)
    return written


# ---------------------------------------------------------------- 台账

def _prepare_ledger(sheet: WriteOnlyWorksheet) -> None:
    # Layout must be set before the first row: write-only sheets emit it ahead of the data.
    sheet.freeze_panes = "A2"
    widths = [_WIDTHS.get(column.key, max(8, 2 * len(column.header) + 2)) for column in COLUMNS]
    for index, width in enumerate([*widths, *_EXPORT_WIDTHS], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    headers = [column.header for column in COLUMNS] + list(EXPORT_ONLY_HEADERS)
    sheet.append([_cell(sheet, header, font=_BOLD) for header in headers])


def _ledger_cells(sheet: WriteOnlyWorksheet, row: Mapping[str, Any]) -> list[Any]:
    values = _rendered(row)
    cells: list[Any] = []
    for column in COLUMNS:
        value = values.get(column.key)
        cells.append(_cell(sheet, value, text=True) if column.key in _AS_TEXT and value is not None else value)
    groups = "、".join(GROUP_LABELS.get(group, group) for group in row.get("groups") or ())
    status = row.get("status")
    return [*cells, row.get("age"), groups or None, label_of("status", status) if status else None]


def _rendered(row: Mapping[str, Any]) -> dict[str, Any]:
    """Stored codes as the labels a worker reads (and the importer accepts)."""
    values: dict[str, Any] = {key: _text(row.get(key)) for key in (*_TEXT_KEYS, *_AS_TEXT)}
    for key in _LABELLED_KEYS:
        values[key] = label_of(key, row[key]) if row.get(key) is not None else None
    disability = row.get("disability") or {}
    values["disability_category"] = _label_or_none("disability_category", disability.get("category"))
    values["disability_grade"] = _label_or_none("disability_grade", disability.get("grade"))
    values["party_member"] = _yes_no(row.get("party_member"))
    values["volunteer"] = _yes_no(row.get("volunteer"))  # stored as a bool or as {skills}
    cadre = row.get("retired_cadre")
    values["retired_cadre"] = _label_or_none("retired_cadre", cadre.get("kind") if isinstance(cadre, dict) else cadre)
    values["special_care"] = "、".join(label_of("special_care", code) for code in row.get("special_care") or ()) or None
    values["birth_date"] = _iso_date(row.get("birth_date"))
    amount = row.get("low_income_monthly_cny")
    values["low_income_monthly_cny"] = None if amount is None else (int(amount) if amount == int(amount) else amount)
    return values


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _label_or_none(key: str, code: Any) -> str | None:
    return None if code is None else label_of(key, code)


def _yes_no(value: Any) -> str | None:
    if value is None:
        return None
    # A volunteer may be stored as {skills: [...]}; even with no skills listed they are one.
    return "是" if isinstance(value, dict) or value else "否"


def _iso_date(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)[:10] if value else None


def _cell(sheet: WriteOnlyWorksheet, value: Any, *, text: bool = False, font: Font | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if text:
        cell.number_format = "@"  # stays text when a worker edits it in Excel
    if font is not None:
        cell.font = font
    return cell


# ---------------------------------------------------------------- 统计

def _write_summary(sheet: WriteOnlyWorksheet, summary: LedgerSummary, rows: int) -> None:
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 40
    sheet.append(safe_row(sheet, [_cell(sheet, summary.title, font=Font(bold=True, size=14))]))
    sheet.append([])
    for label, value in (
        ("单位", f"{summary.org_name}（{summary.org_code}）"),
        ("统计日期", summary.as_of.isoformat()),
        ("筛选条件", filters_text(summary.filters)),
        ("导出行数", rows),
        ("身份证号", "已脱敏" if summary.masked else "未脱敏"),
        ("生成时间", f"{_shanghai(summary.generated_at):%Y-%m-%d %H:%M:%S}（北京时间）"),
        ("生成人", summary.generated_by),
    ):
        sheet.append([_cell(sheet, label, font=_BOLD), *safe_row(sheet, [value])])
    sheet.append([])
    sheet.append([_cell(sheet, "人群", font=_BOLD), _cell(sheet, "人数", font=_BOLD)])
    for group in GROUPS:
        sheet.append([GROUP_LABELS[group], summary.statistics.get(group, 0)])


_FILTER_NAMES = {"group": "人群", "status": "状态", "q": "搜索", "household_id": "户", "grid": "网格"}


def filters_text(filters: Mapping[str, str]) -> str:
    """`{"group": "living_alone_elderly"}` as `人群：独居老人`."""
    parts = []
    for key, value in filters.items():
        if key == "group":
            value = GROUP_LABELS.get(value, value)
        elif key == "status":
            value = label_of("status", value)
        parts.append(f"{_FILTER_NAMES.get(key, key)}：{value}")
    return "；".join(parts) or "无（全部居民）"


def _shanghai(moment: datetime) -> datetime:
    # A naive time is taken as UTC, which is how the services keep time.
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(SHANGHAI)
