"""Hostile ledgers through the public import: refused fast with a specific problem, nothing stored."""
from __future__ import annotations

import time

import pytest

from linli_registry.files.reader import MAX_ROWS

from ledger_bombs import declared_size, shared_strings_bomb, with_dimension, with_far_row
from ledger_files import csv_bytes, import_and_wait, ledger_rows, problems, upload, xlsx_bytes
from registry_helpers import COMMUNITY


@pytest.mark.parametrize(("content", "status", "code"), [
    (lambda: shared_strings_bomb(48 << 20), 422, "import.file.compression_ratio"),
    (lambda: declared_size(xlsx_bytes(ledger_rows()[:1]), "xl/styles.xml", 0xFFFF_FFF0), 413,
     "import.file.too_large_uncompressed"),
    (lambda: with_dimension(f"A1:R{MAX_ROWS + 1}"), 422, "import.file.too_many_rows"),
], ids=["zip-bomb", "declared-too-large", "declared-too-many-rows"])
async def test_a_hostile_workbook_is_refused_within_a_second_and_nothing_is_stored(admin, app, content, status,
                                                                                  code):
    file = content()
    started = time.perf_counter()
    response = await upload(admin, COMMUNITY, file, "台账.xlsx")
    assert time.perf_counter() - started < 1.0
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert response.headers["content-type"] == "application/problem+json"
    assert await app.state.registry.db["imports"].count_documents({}) == 0


async def test_a_sheet_whose_last_row_is_numbered_a_billion_fails_its_job_at_the_row_limit(admin):
    job = await import_and_wait(admin, COMMUNITY, with_far_row(1_000_000_000), "台账.xlsx")
    assert (job["status"], job["failure"]["code"]) == ("failed", "import.file.too_many_rows")


async def test_a_cell_of_5000_digits_is_one_row_error_and_the_other_rows_land(admin):
    rows = ledger_rows()[:2]
    rows[1][11] = "1" * 5_000  # 民族: int() of it raised and crashed the whole job
    job = await import_and_wait(admin, COMMUNITY, csv_bytes(rows))
    assert job["status"] == "done" and job["rows_ok"] == 1
    assert problems(job) == [(3, "ethnicity", "import.value.too_long")]
