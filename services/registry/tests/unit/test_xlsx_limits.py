"""An XLSX is checked as a zip before it is parsed: bombs are refused at once, in little memory."""
from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from linli_registry.domain.ledger import LedgerFileError
from linli_registry.files.archive import MAX_PARTS
from linli_registry.files.reader import MAX_COLUMNS, MAX_ROWS, open_ledger

from ledger_bombs import (
    SHARED_STRINGS,
    declared_size,
    shared_strings_bomb,
    with_dimension,
    with_far_row,
    with_parts,
)
from ledger_files import HEADER, ledger_rows, xlsx_bytes


def _refusal(tmp_path: Path, content: bytes, traced: bool = True) -> tuple[str, float, int]:
    """(code, seconds, peak bytes allocated) of opening the file and reading its rows."""
    path = tmp_path / "upload"
    path.write_bytes(content)
    if traced:  # tracing slows every allocation: off where time is what is measured
        tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(LedgerFileError) as refused:
            for _ in open_ledger(path).rows():
                pass
        return refused.value.code, time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_shared_strings_bomb_is_refused_in_well_under_a_second_and_a_few_mib(tmp_path):
    bomb = shared_strings_bomb(48 << 20)  # about 119 KiB on the wire, as the one reported
    assert len(bomb) < 200 << 10
    code, seconds, peak = _refusal(tmp_path, bomb)
    assert code == "import.file.compression_ratio"
    assert seconds < 0.5 and peak < 4 << 20


def test_declared_sizes_past_the_total_are_refused_as_too_large_uncompressed(tmp_path):
    lying = declared_size(xlsx_bytes(ledger_rows()[:1]), "xl/styles.xml", 0xFFFF_FFF0)
    assert _refusal(tmp_path, lying)[0] == "import.file.too_large_uncompressed"


def test_a_part_whose_data_runs_past_its_declared_size_is_refused_not_believed(tmp_path):
    lying = declared_size(shared_strings_bomb(8 << 20), SHARED_STRINGS, 4096)  # passes the ratio check
    code, seconds, peak = _refusal(tmp_path, lying)
    assert code == "import.file.not_a_spreadsheet" and peak < 4 << 20


def test_a_sheet_that_declares_too_many_rows_or_columns_is_refused_before_its_rows_are_read(tmp_path):
    assert _refusal(tmp_path, with_dimension(f"A1:R{MAX_ROWS + 1}"))[0] == "import.file.too_many_rows"
    assert _refusal(tmp_path, with_dimension("A1:ZZ2"))[0] == "import.file.too_many_columns"


def test_a_row_numbered_a_billion_stops_at_the_row_limit_instead_of_yielding_every_empty_row(tmp_path):
    code, seconds, _ = _refusal(tmp_path, with_far_row(1_000_000_000), traced=False)
    assert code == "import.file.too_many_rows" and seconds < 2


def test_a_row_wider_than_the_column_limit_is_refused(tmp_path):
    wide = xlsx_bytes(ledger_rows()[:1], header=HEADER + [f"备注{i}" for i in range(MAX_COLUMNS)])
    assert _refusal(tmp_path, wide)[0] == "import.file.too_many_columns"


def test_an_archive_of_too_many_parts_is_refused_from_its_end_record(tmp_path):
    assert _refusal(tmp_path, with_parts(MAX_PARTS + 1))[0] == "import.file.too_many_parts"


def test_a_csv_line_of_millions_of_empty_cells_is_refused_without_building_the_row(tmp_path):
    header = ",".join(HEADER).encode("utf-8")
    code, _, peak = _refusal(tmp_path, header + b"\n" + b"," * (8 << 20) + b"\n")
    assert code == "import.file.too_many_columns" and peak < 8 << 20


def test_an_ordinary_xlsx_still_opens(tmp_path):
    path = tmp_path / "upload"
    path.write_bytes(xlsx_bytes(ledger_rows()))
    assert len(list(open_ledger(path).rows())) == len(ledger_rows()) - 1  # one row of the ledger is blank
