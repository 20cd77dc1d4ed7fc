"""An XLSX is a zip: its sizes are checked before openpyxl touches it.

A 119 KiB upload can inflate to tens of MB of shared strings, which openpyxl reads whole (even in
read-only mode, where only worksheets are streamed). So the central directory's declared sizes
and ratios are checked first, and every part read whole is inflated once under a cap: a part whose
data runs past its declared size fails its CRC and is refused, never believed.
"""
from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

from linli_registry.domain.ledger import LedgerFileError

MAX_PARTS = 1_000  # an XLSX ledger has about ten
MAX_DIRECTORY_BYTES = 1 << 20  # the central directory, which `zipfile` holds in memory
MAX_UNCOMPRESSED_BYTES = 1 << 30  # all parts together: a 300,000-row export is about 480 MB
MAX_WHOLE_PART_BYTES = 64 << 20  # one part openpyxl reads whole: shared strings, styles, workbook
MAX_RATIO = 100  # uncompressed / compressed of any part over RATIO_FROM; real sheets stay under 20
RATIO_FROM = 1 << 20
_WORKSHEETS = "xl/worksheets/"  # streamed by openpyxl, so bounded by rows and columns instead
_END = struct.Struct("<4s4H2LH")  # end of central directory record
_END_SIGNATURE = b"PK\x05\x06"


def _too_large() -> LedgerFileError:
    return LedgerFileError("import.file.too_large_uncompressed",
                    f"表格解压后超过 {MAX_UNCOMPRESSED_BYTES >> 20} MB 或单个部件超过 {MAX_WHOLE_PART_BYTES >> 20} MB，"
                    "请分批导入 (the workbook is too large once uncompressed)")


def _broken() -> LedgerFileError:
    return LedgerFileError("import.file.not_a_spreadsheet",
                           "文件已损坏，无法作为 Excel 表格读取 (the XLSX archive is corrupt)")


def check_archive(path: Path) -> None:
    """Refuse (LedgerFileError) a zip too big, too many-parted or too compressed to open safely."""
    _check_directory(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise _broken() from error
    with archive:
        parts = archive.infolist()
        _check_declared(parts)
        for part in parts:
            if not part.filename.startswith(_WORKSHEETS) and not part.is_dir():
                _inflate_within(archive, part)


def _check_directory(path: Path) -> None:
    """The central directory's size from its end record, before `zipfile` reads it all into memory."""
    with path.open("rb") as file:
        file.seek(0, 2)
        file.seek(max(0, file.tell() - _END.size - 0xFFFF))  # the record, after a comment of at most 64 KiB
        tail = file.read()
    at = tail.rfind(_END_SIGNATURE)
    if at < 0 or len(tail) - at < _END.size:
        raise _broken()
    _, _, _, _, entries, directory_bytes, _, _ = _END.unpack_from(tail, at)
    # 0xFFFF and 0xFFFFFFFF mean "see the ZIP64 record": no ledger needs one.
    if entries > MAX_PARTS or directory_bytes > MAX_DIRECTORY_BYTES:
        raise LedgerFileError("import.file.too_many_parts",
                       f"表格包含的部件过多（上限 {MAX_PARTS} 个）(the XLSX archive has too many parts)")


def _check_declared(parts: list[zipfile.ZipInfo]) -> None:
    if len(parts) > MAX_PARTS:
        raise LedgerFileError("import.file.too_many_parts",
                       f"表格包含的部件过多（上限 {MAX_PARTS} 个）(the XLSX archive has too many parts)")
    if sum(part.file_size for part in parts) > MAX_UNCOMPRESSED_BYTES:
        raise _too_large()
    for part in parts:
        if part.file_size > RATIO_FROM and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            raise LedgerFileError("import.file.compression_ratio",
                           f"表格压缩比异常（超过 {MAX_RATIO}:1），疑似压缩炸弹，已拒绝 (compression ratio too high)")
        if part.file_size > MAX_WHOLE_PART_BYTES and not part.filename.startswith(_WORKSHEETS):
            raise _too_large()


def _inflate_within(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    """Inflate the part block by block, never past its declared size (which the checks above bounded)."""
    inflated = 0
    try:
        with archive.open(part) as data:
            while block := data.read(1 << 16):
                inflated += len(block)
                if inflated > part.file_size:
                    raise _broken()
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as error:
        raise _broken() from error  # a bad CRC (data beyond or short of its size), a method or password
