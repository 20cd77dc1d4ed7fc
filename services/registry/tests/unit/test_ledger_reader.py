"""Real files as workers upload them: CSV in the encodings Excel and WPS write, XLSX with title rows, junk."""
from __future__ import annotations

import inspect
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from linli_devtools.people import id_number

from linli_registry.domain.ledger import LedgerFileError, parse_row
from linli_registry.files.reader import open_ledger

TODAY = date(2024, 6, 1)
ID_A = id_number(date(1950, 3, 7), "male")
ID_B = id_number(date(1952, 11, 20), "female")
HEADER = ["户编号", "姓名", "身份证号", "联系电话", "民族"]
ROWS = [["H1", "张三", ID_A, "13800138000", "汉族"], ["H1", "李秀兰", ID_B, "", "回族"]]


def _text(rows: list[list[str]], delimiter: str = ",") -> str:
    return "".join(delimiter.join(cells) + "\r\n" for cells in rows)


def _values(ledger) -> list[tuple[int, str, str, str | None]]:
    out = []
    for number, cells in ledger.rows():
        parsed = parse_row(ledger.header, number, cells, TODAY)
        assert parsed.errors == [], parsed.errors
        out.append((number, parsed.row.name, parsed.row.id_number, parsed.row.ethnicity))
    return out


EXPECTED = [(2, "张三", ID_A, "01"), (3, "李秀兰", ID_B, "03")]


@pytest.mark.parametrize(("encoding", "delimiter", "reported"), [
    ("utf-8", ",", "utf-8"), ("utf-8-sig", ",", "utf-8-sig"), ("gb18030", ",", "gb18030"),
    ("utf-16", "\t", "utf-16"),  # Excel's "Unicode text"
    ("utf-8", ";", "utf-8"), ("gb18030", "\t", "gb18030"),
])
def test_csv_in_every_encoding_excel_writes(tmp_path: Path, encoding, delimiter, reported):
    path = tmp_path / "upload.bin"  # the name says nothing: the bytes decide
    path.write_bytes(_text([HEADER, *ROWS], delimiter).encode(encoding))
    ledger = open_ledger(path)
    assert (ledger.format, ledger.encoding, ledger.delimiter, ledger.header_row) == ("csv", reported, delimiter, 1)
    assert _values(ledger) == EXPECTED


def test_csv_row_numbers_are_the_lines_a_text_editor_shows(tmp_path: Path):
    path = tmp_path / "ledger.csv"
    text = ("工农里社区居民台账,,,,\n"  # title
            ",,,,\n"
            + _text([HEADER]) +
            '"H1","张三",' + ID_A + ',"13800138000",汉族\n'
            "\n"  # blank lines are skipped, not numbered anew
            '"H2","李\n秀兰",' + ID_B + ',,回族\n'  # a quoted cell spanning two lines
            '"H3","王五"\n')  # short row: padded
    path.write_text(text, encoding="utf-8")
    ledger = open_ledger(path)
    assert ledger.header_row == 3
    rows = list(ledger.rows())
    assert [number for number, _ in rows] == [4, 6, 8]
    assert rows[2][1] == ["H3", "王五", None, None, None]
    assert list(ledger.rows()) == rows  # a second pass reads the file again
    assert inspect.isgenerator(ledger.rows())


def test_cells_beyond_the_header_are_ignored(tmp_path: Path):
    path = tmp_path / "ledger.csv"
    path.write_text(_text([HEADER, [*ROWS[0], "extra", "more"]]), encoding="utf-8")
    assert list(open_ledger(path).rows()) == [(2, ROWS[0])]


def test_header_spelling_is_reported_as_understood(tmp_path: Path):
    path = tmp_path / "ledger.csv"
    path.write_text(_text([["序号", "姓 名", "身份证号码", "手机", "备注"], ["1", "张三", ID_A, "13800138000", "x"]]),
                    encoding="gb18030")
    header = open_ledger(path).header
    assert header.recognised == {"姓 名": "name", "身份证号码": "id_number", "手机": "phone"}
    assert header.ignored == ["序号", "备注"]


def test_a_stray_byte_deep_in_a_utf8_file_is_replaced_not_fatal(tmp_path: Path):
    path = tmp_path / "ledger.csv"
    filler = [["H%d" % n, "张三", ID_A, "", "汉族"] for n in range(3000)]  # well beyond the 64 KiB sample
    body = _text([HEADER, *filler]).encode("utf-8")
    path.write_bytes(body + b'H9,\xff\xfe\xe5\xbc,' + ID_B.encode() + b",,\r\n")
    ledger = open_ledger(path)
    assert ledger.encoding == "utf-8"
    number, cells = list(ledger.rows())[-1]
    assert number == 3002 and "\ufffd" in cells[1] and cells[2] == ID_B


def test_a_character_cut_by_the_sample_end_does_not_mean_gb18030(tmp_path: Path):
    path = tmp_path / "ledger.csv"
    head = _text([HEADER]).encode("utf-8")
    # A row of three-byte characters long enough that the 64 KiB sample ends inside one of them.
    pad = 65536 - len(head) - 3
    assert pad % 3, "the sample must end inside a character for this test to mean anything"
    path.write_bytes(head + b"H1," + "张".encode() * (pad // 3 + 1) + b"," + ID_A.encode() + b",,\r\n")
    assert open_ledger(path).encoding == "utf-8"


def _xlsx(path: Path, rows: list[list], merges: tuple[str, ...] = ()) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    workbook.save(path)
    return path


def test_xlsx_with_a_merged_title_row(tmp_path: Path):
    path = _xlsx(tmp_path / "ledger.xlsx", [["工农里社区居民台账", None, None, None, None], HEADER, *ROWS],
                 merges=("A1:E1",))
    ledger = open_ledger(path)
    assert (ledger.format, ledger.encoding, ledger.header_row) == ("xlsx", None, 2)
    assert _values(ledger) == [(3, "张三", ID_A, "01"), (4, "李秀兰", ID_B, "03")]


def test_xlsx_with_a_two_level_header(tmp_path: Path):
    rows = [
        ["工农里社区居民台账"],
        ["户编号", "地址", None, None, None, "姓名", "身份证号", "性别", "出生日期", "联系电话"],
        [None, "小区", "楼栋", "单元", "门牌"],
        ["H1", "工农里", 31, 7, 1.0, "张三", ID_A, "男", date(1950, 3, 7), 13800138000],
    ]
    path = _xlsx(tmp_path / "ledger.xlsx", rows,
                 merges=("A1:J1", "A2:A3", "B2:E2", "F2:F3", "G2:G3", "H2:H3", "I2:I3", "J2:J3"))
    ledger = open_ledger(path)
    assert ledger.header_row == 3
    assert list(ledger.header.columns.values()) == ["household_ref", "estate", "building", "unit", "room", "name",
                                                    "id_number", "gender", "birth_date", "phone"]
    [(number, cells)] = list(ledger.rows())
    row = parse_row(ledger.header, number, cells, TODAY).row
    assert (number, row.estate, row.building, row.unit, row.room, row.phone) == (4, "工农里", "31", "7", "1",
                                                                              "13800138000")


def test_upper_header_row_with_more_columns_still_takes_its_sub_header(tmp_path: Path):
    rows = [
        ["户编号", "地址", None, "姓名", "身份证号", "性别", "出生日期", "联系电话", "民族"],
        [None, "小区", "门牌"],
        ["H1", "工农里", "1-101", "张三", ID_A, "男", "1950-03-07", "13800138000", "汉"],
    ]
    ledger = open_ledger(_xlsx(tmp_path / "ledger.xlsx", rows))
    assert ledger.header_row == 2 and {"estate", "room", "ethnicity"} <= ledger.header.present
    assert [number for number, _ in ledger.rows()] == [3]


@pytest.mark.parametrize(("content", "code"), [
    (b"", "import.file.empty"),
    (b"\r\n\r\n  \r\n", "import.file.empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 4, "import.file.not_a_spreadsheet"),
    (bytes(range(128, 256)) * 40, "import.file.not_a_spreadsheet"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "import.file.xls_unsupported"),
    ("名单\n张三,李四\n".encode("gb18030"), "import.header.not_found"),
])
def test_files_that_are_no_ledger(tmp_path: Path, content: bytes, code: str):
    path = tmp_path / "upload.csv"
    path.write_bytes(content)
    with pytest.raises(LedgerFileError) as caught:
        open_ledger(path)
    assert caught.value.code == code


def test_not_found_message_suggests_the_encoding(tmp_path: Path):
    path = tmp_path / "upload.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(LedgerFileError) as caught:
        open_ledger(path)
    assert "姓名" in caught.value.message and "GB18030" in caught.value.message


@pytest.mark.parametrize("member, content", [("word/document.xml", "<w/>"), ("xl/workbook.xml", "not xml")],
                         ids=["a zip that is no workbook", "a broken workbook"])
def test_a_zip_that_is_no_readable_workbook(tmp_path: Path, member: str, content: str):
    path = tmp_path / "ledger.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(member, content)
    with pytest.raises(LedgerFileError) as caught:
        open_ledger(path)
    assert caught.value.code == "import.file.not_a_spreadsheet"


def test_duplicate_columns_in_the_header_row(tmp_path: Path):
    path = tmp_path / "ledger.csv"
    path.write_text(_text([["姓名", "身份证号", "电话", "手机号"], ["张三", ID_A, "1", "2"]]), encoding="utf-8")
    with pytest.raises(LedgerFileError) as caught:
        open_ledger(path)
    assert caught.value.code == "import.header.duplicate_column"
