"""Open an uploaded ledger (CSV in any encoding Excel or WPS writes, or XLSX) and stream its rows.

The format comes from the bytes, never the file name: workers rename files freely.
"""
from __future__ import annotations

import codecs
import csv
import unicodedata
import zipfile
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO, Any, Literal

from linli_registry.domain.ledger import REQUIRED_COLUMNS, HeaderMap, LedgerFileError, map_header, recognise_header
from linli_registry.files.archive import check_archive

SAMPLE_BYTES = 64 * 1024
HEADER_SEARCH_ROWS = 10  # non-empty rows searched for the header (title rows come first)
MAX_ROWS = 500_000  # rows of a sheet or records of a CSV, blank ones included: one community's ledger
MAX_COLUMNS = 256  # cells in one row; the ledger has 29 columns
MAX_LINE_CHARS = MAX_COLUMNS * 1_024  # one physical CSV line
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"  # old .xls (and password-protected .xlsx, which Office wraps in OLE)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_DELIMITERS = (",", "\t", ";")
_NOT_A_SPREADSHEET = "文件不是表格：请上传 Excel (.xlsx) 或 CSV 文件 (not a spreadsheet)"
_NOT_FOUND = "前10行中未找到含“姓名”和“身份证号”的表头；文件是否为 UTF-8 或 GB18030 编码的 CSV/XLSX？"

Record = tuple[int, list[Any]]


@dataclass(frozen=True)
class Ledger:
    path: Path
    format: Literal["csv", "xlsx"]
    encoding: str | None
    header: HeaderMap
    header_row: int  # 1-based, as Excel shows it
    width: int  # cells beyond the header are ignored
    delimiter: str | None = None

    def rows(self) -> Iterator[Record]:
        """Data rows after the header, (row number as the worker sees it, cells); re-reads the file on each call."""
        for number, cells in _records(self.path, self.format, self.encoding, self.delimiter):
            if number <= self.header_row or _blank(cells):
                continue
            yield number, _fit(cells, self.width)


def open_ledger(path: Path) -> Ledger:
    path = Path(path)
    with path.open("rb") as file:
        head = file.read(SAMPLE_BYTES)
    if not head:
        raise LedgerFileError("import.file.empty", "文件是空的 (empty file)")
    if head.startswith(_OLE):
        raise LedgerFileError("import.file.xls_unsupported",
                              "请另存为 .xlsx 或 CSV 后再上传：不支持旧版 .xls 或加密的表格 (old .xls not supported)")
    if head.startswith(_ZIP):
        check_archive(path)  # before anything inflates a part of it
        if not _is_xlsx(path):
            raise LedgerFileError("import.file.not_a_spreadsheet", _NOT_A_SPREADSHEET)
        return _open(path, "xlsx", None, None)
    encoding = _text_encoding(head)
    return _open_csv(path, encoding, head)


def _open(path: Path, fmt: Literal["csv", "xlsx"], encoding: str | None, delimiter: str | None) -> Ledger:
    records = _records(path, fmt, encoding, delimiter)
    try:
        cells, row = _find_header(islice(records, 4 * HEADER_SEARCH_ROWS))
    finally:
        records.close()  # closes the workbook or the file at once, not whenever the generator is collected
    width = len(_trim(cells))
    return Ledger(path, fmt, encoding, map_header(cells), row, width, delimiter)


def _open_csv(path: Path, encoding: str, head: bytes) -> Ledger:
    """The delimiter the sniffer suggests, unless another one finds a better header."""
    sample = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head)
    candidates = dict.fromkeys((_sniff(sample), *_DELIMITERS))
    best: Ledger | None = None
    failure: LedgerFileError | None = None
    for delimiter in candidates:
        try:
            ledger = _open(path, "csv", encoding, delimiter)
        except LedgerFileError as error:
            failure = failure or error
            continue
        if best is None or len(ledger.header.present) > len(best.header.present):
            best = ledger
    if best is None:
        raise failure or LedgerFileError("import.header.not_found", _NOT_FOUND)
    return best


# ---------------------------------------------------------------- format and encoding

def _is_xlsx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _text_encoding(head: bytes) -> str:
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    if b"\x00" in head:
        encoding = _utf16_without_bom(head)
        if encoding is None:
            raise LedgerFileError("import.file.not_a_spreadsheet", _NOT_A_SPREADSHEET)
    else:
        encoding = _first_decoding(head, ("utf-8", "gb18030"))
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head)
    if _looks_binary(text):
        raise LedgerFileError("import.file.not_a_spreadsheet", _NOT_A_SPREADSHEET)
    return encoding


def _first_decoding(head: bytes, encodings: Sequence[str]) -> str:
    # Incremental and not final: a multi-byte character cut at the end of the sample is no error.
    for encoding in encodings:
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    raise LedgerFileError("import.file.not_a_spreadsheet", _NOT_A_SPREADSHEET)


def _utf16_without_bom(head: bytes) -> str | None:
    """Mostly-ASCII UTF-16 has a NUL in every other byte; binary files have NULs anywhere."""
    even, odd = head[0:2000:2], head[1:2000:2]
    if odd.count(0) > 0.6 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.6 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _looks_binary(text: str) -> bool:
    controls = sum(1 for char in text if unicodedata.category(char) == "Cc" and char not in "\t\r\n\f\v")
    return controls > max(2, len(text) // 100)


def _sniff(sample: str) -> str:
    lines = "\n".join(sample.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(lines, delimiters="".join(_DELIMITERS)).delimiter
    except csv.Error:
        return ","


# ---------------------------------------------------------------- records

def _records(path: Path, fmt: str, encoding: str | None, delimiter: str | None) -> Generator[Record, None, None]:
    return _xlsx_records(path) if fmt == "xlsx" else _csv_records(path, encoding or "utf-8", delimiter or ",")


def _csv_records(path: Path, encoding: str, delimiter: str) -> Iterator[Record]:
    """Records with the physical line each starts on (a quoted cell may span lines)."""
    # errors="replace": one stray byte deep in a big file must not fail the whole import.
    with path.open(encoding=encoding, errors="replace", newline="") as file:
        reader = csv.reader(_bounded_lines(file), delimiter=delimiter)
        start = 1
        try:
            for number, record in enumerate(reader, start=1):
                _check_size(number, len(record))
                yield start, record
                start = reader.line_num + 1
        except csv.Error as error:
            raise LedgerFileError("import.file.not_a_spreadsheet",
                                  f"第{start}行无法按 CSV 读取：{error} (malformed CSV)") from None


def _bounded_lines(file: IO[str]) -> Iterator[str]:
    """The file's lines, refusing one that would make a row of millions of cells (`,,,,…`)."""
    while line := file.readline(MAX_LINE_CHARS + 1):
        if len(line) > MAX_LINE_CHARS:
            raise LedgerFileError("import.file.too_many_columns", f"有一行超过 {MAX_LINE_CHARS:,} 个字符 "
                                  f"(a line longer than {MAX_LINE_CHARS:,} characters)")
        yield line


def _xlsx_records(path: Path) -> Iterator[Record]:
    from openpyxl import load_workbook  # only XLSX uploads pay for the import

    # A file object, not the path: openpyxl refuses a path whose name lacks .xlsx, and uploads are nameless.
    handle = path.open("rb")
    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a broken file; all mean the same to a worker
        handle.close()
        raise LedgerFileError("import.file.not_a_spreadsheet", _NOT_A_SPREADSHEET) from error
    try:
        if not workbook.worksheets:
            return
        sheet = workbook.worksheets[0]
        _check_size(sheet.max_row or 0, sheet.max_column or 0)  # as declared by <dimension>: refused at once
        sheet.reset_dimensions()  # some writers record a wrong sheet size; read what is there
        # Counted while streaming too: the declaration may lie, and a row numbered 10^9 makes openpyxl
        # yield every empty row before it.
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            _check_size(number, len(values))
            yield number, list(values)
    finally:
        workbook.close()
        handle.close()


def _check_size(rows: int, columns: int) -> None:
    if rows > MAX_ROWS:
        raise LedgerFileError("import.file.too_many_rows",
                              f"表格超过 {MAX_ROWS:,} 行，请分批导入 (more than {MAX_ROWS:,} rows)")
    if columns > MAX_COLUMNS:
        raise LedgerFileError("import.file.too_many_columns",
                              f"表格超过 {MAX_COLUMNS} 列 (more than {MAX_COLUMNS} columns)")


# ---------------------------------------------------------------- header

def _find_header(records: Iterator[Record]) -> tuple[list[Any], int]:
    """The row (or the two-level header, merged) that names the most known columns."""
    best: tuple[int, list[Any], int] | None = None
    duplicate: LedgerFileError | None = None
    previous: list[Any] | None = None
    seen = 0
    for number, cells in records:
        if _blank(cells):
            previous = None
            continue
        seen += 1
        candidates = [cells] if previous is None else [cells, _merge(previous, cells)]
        for candidate in candidates:
            try:
                score = len(recognise_header(candidate).present)
            except LedgerFileError as error:
                duplicate = duplicate or error
                continue
            if best is None or score > best[0]:
                best = (score, candidate, number)
        previous = cells
        if seen >= HEADER_SEARCH_ROWS:
            break
    if seen == 0:
        raise LedgerFileError("import.file.empty", "文件中没有内容 (no rows)")
    if best is None or not set(REQUIRED_COLUMNS) <= recognise_header(best[1]).present:
        raise duplicate or LedgerFileError("import.header.not_found", _NOT_FOUND)
    return best[1], best[2]


def _merge(upper: list[Any], lower: list[Any]) -> list[Any]:
    """A two-level header: a blank sub-header cell takes the (vertically merged) cell above it.

    A group title over sub-headers (地址 over 小区/楼栋/单元/门牌) is overridden by them, and the blank
    cells to its right (its horizontal merge) stay blank.
    """
    width = max(len(upper), len(lower))
    upper, lower = _fit(upper, width), _fit(lower, width)
    return [below if not _blank([below]) else above for above, below in zip(upper, lower, strict=True)]


def _blank(cells: Sequence[Any]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _trim(cells: Sequence[Any]) -> list[Any]:
    cells = list(cells)
    while cells and _blank(cells[-1:]):
        cells.pop()
    return cells


def _fit(cells: Sequence[Any], width: int) -> list[Any]:
    cells = list(cells[:width])
    return cells + [None] * (width - len(cells))
