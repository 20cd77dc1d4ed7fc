"""The filled report in its template's layout, and the side-by-side roll-up, as XLSX."""
from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from linli_shared.spreadsheet import safe_workbook

from linli_reports.domain.compute import total
from linli_reports.domain.indicators import Template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATUS = {"draft": "待提交", "submitted": "已提交", "returned": "已退回", "accepted": "已审核"}


def cell_value(report: dict[str, Any], key: str) -> Any:
    return report["values"][key] if key in report["values"] else report["manual"].get(key)


def report_xlsx(template: Template, report: dict[str, Any], note: str | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "报表"
    sheet.append([template.name])
    sheet.append(["填报单位", report["community_name"], "统计期", report["period_label"]])
    sheet.append(["截至日期", report["as_of"], "状态", STATUS.get(report["status"], report["status"])])
    sheet.append([])
    sheet.append(["指标", "数值"])
    header = sheet.max_row
    for ind in template.indicators:
        sheet.append([ind.label, cell_value(report, ind.key)])
    if note:  # why some cells read "*": small cells hidden from officers (service_layer/figures.py)
        sheet.append([note])
    _style(sheet, header, [36, 18, 12, 18])
    return _bytes(book)


def rollup_xlsx(template: Template, run: dict[str, Any], reports: list[dict[str, Any]],
                totals: dict[str, Any] | None = None, note: str | None = None) -> bytes:
    """`totals`: the computed rows' totals when some cells are hidden (a sum of what is shown would be wrong)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "汇总"
    sheet.append([f"{template.name}（汇总）"])
    sheet.append(["汇总单位", run["org_code"], "统计期", run["period_label"], "截至日期", run["as_of"]])
    sheet.append([])
    sheet.append(["指标", *[r["community_name"] for r in reports], "合计"])
    header = sheet.max_row
    for ind in template.indicators:
        values = [cell_value(r, ind.key) for r in reports]
        sheet.append([ind.label, *values, (totals or {}).get(ind.key, total(values))])
    if note:
        sheet.append([note])
    _style(sheet, header, [36, *[16] * (len(reports) + 1)])
    return _bytes(book)


def _style(sheet: Any, header: int, widths: list[int]) -> None:
    sheet["A1"].font = Font(bold=True, size=14)
    for cell in sheet[header]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for i, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(i + 1)].width = width


def _bytes(book: Workbook) -> bytes:
    safe_workbook(book)  # names and labels typed by people: text, never a formula
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
