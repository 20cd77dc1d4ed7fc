"""Hostile XLSX files, built in the test from a real ledger: zip bombs, lying sizes, endless sheets."""
from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Callable

from ledger_files import ledger_rows, xlsx_bytes

SHARED_STRINGS = "xl/sharedStrings.xml"
SHEET = "xl/worksheets/sheet1.xml"
_SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def _rewritten(base: bytes, change: Callable[[str, bytes], bytes], extra: dict[str, bytes] | None = None,
               level: int = 6) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, change(info.filename, source.read(info)), compresslevel=level)
        for name, data in (extra or {}).items():
            target.writestr(name, data, compresslevel=level)
    return out.getvalue()


def shared_strings_bomb(inflated: int = 48 << 20, base: bytes | None = None) -> bytes:
    """A ledger plus a shared-strings part of `inflated` bytes of tiny strings, deflated about 400:1."""
    def registered(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml":
            return data.replace(b"</Types>", f'<Override PartName="/{SHARED_STRINGS}" '
                                              f'ContentType="{_SST_TYPE}"/></Types>'.encode())
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(b"</Relationships>", f'<Relationship Id="rIdBomb" Type="{_SST_REL}" '
                                                      'Target="sharedStrings.xml"/></Relationships>'.encode())
        return data

    item = b"<si><t>A</t></si>"
    strings = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
               b'spreadsheetml/2006/main">' + item * (inflated // len(item)) + b"</sst>")
    return _rewritten(base or xlsx_bytes(ledger_rows()[:1]), registered, {SHARED_STRINGS: strings}, level=9)


def declared_size(content: bytes, part: str, size: int) -> bytes:
    """The archive with `part`'s uncompressed size in the central directory replaced by `size`."""
    data = bytearray(content)
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) >= 0:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + name_length] == part.encode():
            struct.pack_into("<L", data, at + 24, size)
            return bytes(data)
        at += 4
    raise AssertionError(f"{part} not in the archive")


def sheet_changed(change: Callable[[bytes], bytes], base: bytes | None = None) -> bytes:
    return _rewritten(base or xlsx_bytes(ledger_rows()[:1]), lambda name, data: change(data) if name == SHEET else data)


def with_dimension(ref: str) -> bytes:
    """A ledger whose worksheet declares its size as `ref` (e.g. A1:R600000)."""
    return sheet_changed(lambda data: re.sub(rb'<dimension ref="[^"]*" ?/>', f'<dimension ref="{ref}"/>'.encode(),
                                             data))


def with_far_row(number: int) -> bytes:
    """A ledger with one more row, numbered `number`: openpyxl yields every empty row before it."""
    row = f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>H9</t></is></c></row>'.encode()
    return sheet_changed(lambda data: data.replace(b"</sheetData>", row + b"</sheetData>"))


def with_parts(count: int) -> bytes:
    return _rewritten(xlsx_bytes(ledger_rows()[:1]), lambda name, data: data,
                      {f"customXml/item{i}.xml": b"<x/>" for i in range(count)})
