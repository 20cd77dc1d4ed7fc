"""The ledger export writes what people typed as text: a name like =HYPERLINK(…) is never a formula."""
from __future__ import annotations

import io
import zipfile
from datetime import date

from openpyxl import load_workbook

from registry_helpers import COMMUNITY, new_household, new_resident

HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "@SUM(A1)", "-2+3", "\t=1"]


def stored_formulas(content: bytes) -> list[str]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    return [name for name in archive.namelist()
            if name.startswith("xl/worksheets/") and (b"<f>" in archive.read(name) or b"<f " in archive.read(name))]


async def test_names_and_addresses_that_read_like_formulas_are_exported_as_text(admin):
    household = await new_household(admin, address={"estate": "+1+1", "building": "@SUM(A1)", "unit": "-2+3",
                                                    "room": "\t=1"})
    await new_resident(admin, date(1950, 3, 7), name=HOSTILE[0], household_id=household)
    response = await admin.get(f"/v1/communities/{COMMUNITY}/residents.xlsx")
    assert response.status_code == 200, response.text
    assert stored_formulas(response.content) == []
    header, row = load_workbook(io.BytesIO(response.content))["台账"].iter_rows(max_row=2)
    cells = {head.value: cell for head, cell in zip(header, row, strict=True)}
    written = [cells[column] for column in ("姓名", "小区", "楼栋", "单元", "门牌")]
    stored = [*HOSTILE[:4], "=1"]  # the API trims the room's leading tab
    assert [(cell.value, cell.data_type, cell.quotePrefix) for cell in written] == [
        (text, "s", True) for text in stored]
