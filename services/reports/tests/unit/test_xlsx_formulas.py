"""Report workbooks write names and labels typed by people as text, never as formulas."""
from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook

from linli_reports.domain.indicators import Template
from linli_reports.service_layer.xlsx import report_xlsx, rollup_xlsx

HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "@SUM(A1)", "-2+3", "\t=1"]
TEMPLATE = Template.model_validate({
    "key": "t", "org_code": "130303001", "version": 1, "name": HOSTILE[0],
    "indicators": [{"key": f"k{i}", "label": label, "source": "manual"} for i, label in enumerate(HOSTILE)]})
REPORT = {"community_name": "@SUM(A1)", "period_label": "-2+3", "as_of": "2026-06-30", "status": "draft",
          "values": {}, "manual": {"k0": "=1+1", "k1": 3}}


def stored_formulas(content: bytes) -> list[str]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    return [name for name in archive.namelist()
            if name.startswith("xl/worksheets/") and (b"<f>" in archive.read(name) or b"<f " in archive.read(name))]


def formula_like_cells(content: bytes) -> list[tuple]:
    """Every cell whose text starts like a formula, with how it is stored."""
    sheet = load_workbook(io.BytesIO(content)).active
    return [(cell.value, cell.data_type, cell.quotePrefix) for row in sheet.iter_rows() for cell in row
            if isinstance(cell.value, str) and cell.value[:1] in "=+-@\t"]


def test_a_report_sheet_keeps_hostile_names_labels_and_values_as_text():
    content = report_xlsx(TEMPLATE, REPORT)
    assert stored_formulas(content) == []
    cells = formula_like_cells(content)
    assert {value for value, _, _ in cells} == {*HOSTILE, "=1+1"}
    assert all((data_type, quoted) == ("s", True) for _, data_type, quoted in cells)


def test_a_rollup_keeps_hostile_names_and_labels_as_text():
    run = {"org_code": "130303001", "period_label": "+1+1", "as_of": "2026-06-30"}
    content = rollup_xlsx(TEMPLATE, run, [REPORT, {**REPORT, "community_name": "=cmd|' /C calc'!A0"}])
    assert stored_formulas(content) == []
    cells = formula_like_cells(content)
    assert "=cmd|' /C calc'!A0" in {value for value, _, _ in cells}
    assert all((data_type, quoted) == ("s", True) for _, data_type, quoted in cells)
