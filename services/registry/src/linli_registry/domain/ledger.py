"""The ledger (台账) as workers keep it in Excel: columns, labels, header matching and one row's values.

Pure: the file layer (`linli_registry.files`) turns bytes into cells; this module turns cells into values.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict

from linli_shared.privacy import mask_id_number, mask_phone, redact_text

from linli_registry.domain.ledger_labels import ETHNIC_NAMES, VOCABULARIES
from linli_registry.domain.residents import IdentityError, resolve_identity


class LedgerFileError(ValueError):
    """The file as a whole cannot be read; `code` is stable, `message` is for the worker."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


@dataclass(frozen=True)
class Column:
    key: str  # the contract's English name
    header: str  # the Chinese header written on export
    aliases: tuple[str, ...] = ()


# Export order; the importer accepts any order.
COLUMNS: tuple[Column, ...] = (
    Column("household_ref", "户编号", ("户号", "户编码", "户代码", "家庭编号", "户序号")),
    Column("estate", "小区", ("小区名称", "小区名", "住宅小区", "院落")),
    Column("building", "楼栋", ("楼号", "栋号", "楼栋号", "栋", "楼", "幢")),
    Column("unit", "单元", ("单元号",)),
    Column("room", "门牌", ("门牌号", "门牌号码", "房号", "房间号", "室", "户室号")),
    Column("grid", "网格", ("网格号", "网格编号", "所属网格", "居民小组")),
    Column("housing", "住房性质", ("住房类型", "房屋性质", "住房情况", "产权性质")),
    Column("relation_to_head", "与户主关系", ("与户主的关系", "关系", "家庭关系", "relation")),
    Column("name", "姓名", ("名字", "居民姓名")),
    Column("id_type", "证件类型", ("证件种类",)),
    Column("id_number", "身份证号",
           ("身份证号码", "公民身份号码", "证件号码", "证件号", "身份证", "身份证件号码", "身份证件号")),
    Column("gender", "性别"),
    Column("birth_date", "出生日期", ("出生年月", "出生年月日", "生日")),
    Column("phone", "联系电话", ("电话", "手机", "手机号", "手机号码", "电话号码", "联系方式", "联系电话号码")),
    Column("ethnicity", "民族"),
    Column("residence_type", "居住类型", ("居住性质", "人口类型")),
    Column("employment_status", "就业状况", ("就业情况", "就业状态", "工作状况")),
    Column("health", "健康状况", ("健康情况", "身体状况", "健康")),
    Column("disability_category", "残疾类别", ("残疾类型", "残疾种类")),
    Column("disability_grade", "残疾等级", ("残疾级别",)),
    Column("party_member", "党员", ("是否党员", "中共党员", "政治面貌")),
    Column("volunteer", "志愿者", ("是否志愿者",)),
    Column("retired_cadre", "老干部", ("离退休干部", "是否老干部")),
    Column("special_care", "重点监护", ("重点监护对象", "重点监护类别", "监护类别")),
    Column("low_income_monthly_cny", "低保金额", ("低保金", "月低保金", "每月低保金")),
    Column("birthday_calendar", "生日历法", ("历法", "生日类型")),
)
HEADERS = {column.key: column.header for column in COLUMNS}
# Written by the exporter, meaningless on import: ignored without a word.
EXPORT_ONLY_HEADERS = ("年龄", "人群", "状态")
REQUIRED_COLUMNS = ("name", "id_number")

# ---------------------------------------------------------------- cells

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def clean(cell: Any) -> str | None:
    """A cell as trimmed half-width text; None when blank.

    NFKC turns full-width digits and letters (全角) into ASCII and U+3000/NBSP into spaces.
    Excel hands integral numbers over as floats (`1.0`), which must not grow a `.0`.
    """
    if cell is None:
        return None
    if isinstance(cell, bool):
        text = "true" if cell else "false"
    elif isinstance(cell, float) and cell.is_integer():
        text = str(int(cell))
    elif isinstance(cell, datetime):
        text = cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat(sep=" ")
    elif isinstance(cell, date):
        text = cell.isoformat()
    else:
        text = unicodedata.normalize("NFKC", str(cell)).translate(_INVISIBLE)
    return text.strip() or None


def _key_text(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


# ---------------------------------------------------------------- header

@dataclass(frozen=True)
class HeaderMap:
    columns: dict[int, str]  # cell index -> column key
    present: frozenset[str]
    recognised: dict[str, str] = field(default_factory=dict)  # header as written -> key
    ignored: list[str] = field(default_factory=list)


MAX_HEADER_CHARS = 100  # a longer header cell names no column: it is ignored
MAX_CELL_CHARS = 1_000  # a longer cell is an error of its row (the longest ledger value is an address)
_BRACKETS = {"(": ")", "[": "]", "【": "】", "<": ">", "《": "》"}
_HEADER_NOISE = re.compile(r"[*:：_\-.#、]")


def _without_brackets(text: str) -> str:
    """Drops each bracket and what it encloses, up to the first closing one, in one pass.

    (A lazy regex per bracket kind rescans the rest of the text from every unclosed opening:
    quadratic, 3.5 s for a 20,000-character header.)
    """
    kept: list[str] = []
    unclosed: set[str] = set()  # closing brackets known to appear nowhere further on
    at = 0
    while at < len(text):
        close = _BRACKETS.get(text[at])
        if close is not None and close not in unclosed:
            end = text.find(close, at + 1)
            if end >= 0:
                at = end + 1
                continue
            unclosed.add(close)
        kept.append(text[at])
        at += 1
    return "".join(kept)


def normalize_header(text: str) -> str:
    """`姓 名*（必填）` and `低保金额(元/月)` become `姓名` and `低保金额`; `ID Number` becomes `idnumber`."""
    text = _key_text(text)  # NFKC also turns （） into ()
    return _HEADER_NOISE.sub("", _without_brackets(text))


_SPELLINGS: dict[str, str] = {
    normalize_header(spelling): column.key
    for column in COLUMNS for spelling in (column.key, column.header, *column.aliases)
}
_EXPORT_ONLY = frozenset(map(normalize_header, EXPORT_ONLY_HEADERS))


def _match_spelling(norm: str) -> tuple[str | None, bool]:
    """(key, exact); a near miss only counts between spellings of about the same length, so that
    `户主身份证号` is not taken for `身份证号`, and never for two characters (`序号` is not `户序号`)."""
    if norm in _SPELLINGS:
        return _SPELLINGS[norm], True
    if len(norm) < 3:
        return None, False
    near = [s for s in _SPELLINGS if abs(len(s) - len(norm)) <= 1]
    close = difflib.get_close_matches(norm, near, n=1, cutoff=0.75)
    return (_SPELLINGS[close[0]], False) if close else (None, False)


def recognise_header(cells: Sequence[Any]) -> HeaderMap:
    """What each header cell means, without insisting on the required columns (the reader scores rows with it)."""
    columns: dict[int, str] = {}
    recognised: dict[str, str] = {}
    ignored: list[str] = []
    exact_keys: dict[str, str] = {}
    near: list[tuple[int, str, str]] = []
    for index, cell in enumerate(cells):
        text = clean(cell)
        if text is None:
            continue
        if len(text) > MAX_HEADER_CHARS:  # a note or a pasted paragraph, not a column's name
            ignored.append(text[:MAX_HEADER_CHARS] + "…")
            continue
        norm = normalize_header(text)
        if norm in _EXPORT_ONLY:
            continue
        key, exact = _match_spelling(norm) if norm else (None, False)
        if key is None:
            ignored.append(text)
        elif exact:
            if key in exact_keys:
                raise LedgerFileError("import.header.duplicate_column",
                                      f"表头中“{exact_keys[key]}”和“{text}”都表示{HEADERS[key]} ({key})，请删去一列")
            exact_keys[key] = text
            columns[index], recognised[text] = key, key
        else:
            near.append((index, text, key))
    for index, text, key in near:
        # A near miss never beats an exact spelling of the same column.
        if key in columns.values():
            ignored.append(text)
        else:
            columns[index], recognised[text] = key, key
    return HeaderMap(dict(sorted(columns.items())), frozenset(columns.values()), recognised, ignored)


def map_header(cells: Sequence[Any]) -> HeaderMap:
    header = recognise_header(cells)
    missing = [key for key in REQUIRED_COLUMNS if key not in header.present]
    if missing:
        names = "、".join(f"{HEADERS[key]} ({key})" for key in missing)
        raise LedgerFileError("import.header.missing_columns", f"表头缺少必填列：{names}")
    return header


# ---------------------------------------------------------------- values

class RowError(NamedTuple):
    row: int
    column: str | None  # the column's English key
    code: str
    message: str


class _Bad(Exception):
    """One cell's problem, turned into a RowError by parse_row."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def _shown(text: str) -> str:
    """A cell value fit to repeat in a message: short, ID and phone numbers masked."""
    shown = redact_text(text)  # before shortening: a cut ID number would escape the pattern
    return shown if len(shown) <= 20 else shown[:20] + "…"


def _lookup_key(key: str, text: str) -> str:
    text = _key_text(text)
    # 汉族 and 汉 both name 01; 土族 (30) and 土家族 (15) stay apart as 土 and 土家.
    return text[:-1] if key == "ethnicity" and text.endswith("族") and len(text) > 1 else text


# Per column: every accepted spelling (labels and the English code, case-insensitive) -> code.
_LOOKUPS: dict[str, dict[str, Any]] = {
    key: {_lookup_key(key, spelling): code for code, labels in vocabulary.items() for spelling in (str(code), *labels)}
    for key, vocabulary in VOCABULARIES.items()
}


def _accepted(key: str) -> str:
    if key == "ethnicity":
        return "民族名称（如 汉族、回族、土家族）或两位代码 01–56"
    return "、".join(labels[0] for labels in VOCABULARIES[key].values())


def _label(key: str, text: str) -> Any:
    if key == "ethnicity" and text.isdigit() and 1 <= int(text) <= len(ETHNIC_NAMES):
        return f"{int(text):02d}"  # Excel drops the leading zero of `01`
    code = _LOOKUPS[key].get(_lookup_key(key, text))
    if code is None:
        raise _Bad("import.value.unknown",
                   f"{HEADERS[key]}：无法识别“{_shown(text)}”，可填 {_accepted(key)} (unknown value)")
    return code


_TRUE = frozenset({"是", "y", "yes", "1", "true", "t", "√", "✓", "✔", "有"})
_FALSE = frozenset({"否", "n", "no", "0", "false", "f", "×", "✗", "✘", "无"})
# 政治面貌 columns say who is a member instead of yes/no.
_PARTY = {"中共党员": True, "党员": True, "中共预备党员": True, "预备党员": True,
          "群众": False, "共青团员": False, "团员": False, "民主党派": False, "无党派": False, "无党派人士": False}


def _boolean(key: str, text: str) -> bool:
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    if key == "party_member" and text in _PARTY:
        return _PARTY[text]
    raise _Bad("import.value.unknown", f"{HEADERS[key]}：无法识别“{_shown(text)}”，可填 是/否 (yes/no)")


class YearMonth(NamedTuple):
    """A 出生年月 cell that gives only year and month."""

    year: int
    month: int


_EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0, counting its 1900 leap-year bug
_DATE = re.compile(r"(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*[.\-/月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_YEAR_MONTH = re.compile(r"(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*月?|(\d{4})(\d{2})")


def _date(key: str, cell: Any, text: str) -> date | YearMonth:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    try:
        if isinstance(cell, int | float) or text.isdigit() and len(text) <= 5:
            serial = float(text)
            if 1 <= serial <= 80000:
                return _EXCEL_EPOCH + timedelta(days=int(serial))
        if match := _DATE.fullmatch(text) or _COMPACT_DATE.fullmatch(text):
            return date(*map(int, match.groups()))
    except ValueError:
        pass  # 1950-02-30 and the like fall through to the error
    else:
        if match := _YEAR_MONTH.fullmatch(text):
            year, month = (int(g) for g in match.groups() if g is not None)
            if 1 <= month <= 12:
                return YearMonth(year, month)
    raise _Bad("import.date.format", f"{HEADERS[key]}：无法识别日期“{_shown(text)}”，请写成 1950-03-07 (date format)")


_MOBILE = re.compile(r"(?:\+?86|0086)?(1[3-9]\d{9})")
_LANDLINE = re.compile(r"(?:\+?86-?)?(0\d{2,3}-?\d{7,8}(?:-\d{1,6})?|\d{7,8}(?:-\d{1,6})?|400-?\d{3}-?\d{4})")
_PHONE_SEPARATORS = re.compile(r"[/,，、;；]")


def _one_phone(text: str) -> str:
    compact = "".join(text.split())
    if mobile := _MOBILE.fullmatch(compact.replace("-", "")):
        return mobile.group(1)
    if landline := _LANDLINE.fullmatch(compact):
        return landline.group(1)
    raise _Bad("import.phone.format",
               f"联系电话格式不对：“{mask_phone(compact)}”，应为11位手机号或带区号的固话 (phone format)")


def _phone(text: str) -> tuple[str, list[str]]:
    """The first number and the ones dropped: residents often give two, the system keeps one."""
    numbers = [part.strip() for part in _PHONE_SEPARATORS.split(text) if part.strip()]
    if len(numbers) == 1:
        try:
            return _one_phone(numbers[0]), []
        except _Bad:
            numbers = numbers[0].split()  # `13800138000 13900139000`
            if len(numbers) == 1:
                raise
    return _one_phone(numbers[0]), numbers[1:]


_MONEY = re.compile(r"[¥]?(\d+(?:\.\d+)?)(?:元)?(?:/月|每月)?")


def _money(key: str, cell: Any, text: str) -> float:
    if isinstance(cell, int | float) and not isinstance(cell, bool) and cell >= 0:
        return float(cell)
    text = text.replace(",", "").replace(" ", "")
    match = _MONEY.fullmatch(text.lower().removeprefix("rmb"))
    if not match:
        raise _Bad("import.number.format", f"{HEADERS[key]}：“{_shown(text)}”不是金额，请写成 182 或 182.00 (number)")
    return float(match.group(1))


_CJK_NAME = re.compile(r"[\u3400-\u9fff·\s]+")


def _name(text: str) -> str:
    # `张  三` is padded for alignment in many ledgers; only Latin names keep inner spaces.
    return "".join(text.split()) if _CJK_NAME.fullmatch(text) else " ".join(text.split())


_GRID = re.compile(r"(?:(\d{12})-|第)?0*(\d{1,3})(?:网格)?")


def _grid(text: str) -> str:
    """"3", "03", "第3网格" → "03"; a full code "…-3" → "…-03" (Excel turns `03` into 3)."""
    match = _GRID.fullmatch(text)
    if not match:
        raise _Bad("import.value.unknown", f"网格：无法识别“{_shown(text)}”，可填网格号（如 03）或网格代码 (grid)")
    community, number = match.groups()
    return f"{community}-{int(number):02d}" if community else f"{int(number):02d}"


_SPECIAL_SEPARATORS = re.compile(r"[、,，;；/\s]+")


def _special_care(text: str) -> list[str]:
    return sorted({_label("special_care", part) for part in _SPECIAL_SEPARATORS.split(text) if part})


# ---------------------------------------------------------------- rows

class LedgerRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    row: int
    # Columns the file has: a blank cell there clears the stored field; an absent column leaves it alone.
    present: frozenset[str]
    household_ref: str | None = None  # None: the row is a household of its own
    estate: str | None = None
    building: str | None = None
    unit: str | None = None
    room: str | None = None
    grid: str | None = None
    housing: str | None = None
    relation_to_head: str | None = None
    name: str
    id_type: str = "id_card"
    id_number: str
    gender: str
    birth_date: date
    phone: str | None = None
    ethnicity: str | None = None
    residence_type: str | None = None
    employment_status: str | None = None
    health: str | None = None
    disability: dict[str, Any] | None = None  # {"category", "grade"}
    party_member: bool | None = None
    volunteer: bool | None = None
    retired_cadre: str | None = None  # lixiu | tuixiu
    special_care: list[str] = []
    low_income_monthly_cny: float | None = None
    birthday_calendar: str | None = None


class ParsedRow(NamedTuple):
    row: LedgerRow | None
    errors: list[RowError]
    warnings: list[RowError]


_TEXT = ("household_ref", "estate", "building", "unit", "room")
_LABELLED = ("housing", "relation_to_head", "gender", "ethnicity", "residence_type", "employment_status", "health",
             "retired_cadre", "birthday_calendar")
# (key, cell as read, cell as clean text) -> value; the raw cell matters for dates and numbers from Excel.
_VALUE_PARSERS: dict[str, Callable[[str, Any, str], Any]] = {
    **{key: lambda key, cell, text: text for key in _TEXT},
    **{key: lambda key, cell, text: _label(key, text) for key in _LABELLED},
    "grid": lambda key, cell, text: _grid(text),
    "name": lambda key, cell, text: _name(text),
    "party_member": lambda key, cell, text: _boolean(key, text),
    "volunteer": lambda key, cell, text: _boolean(key, text),
    "special_care": lambda key, cell, text: _special_care(text),
    "low_income_monthly_cny": lambda key, cell, text: _money(key, cell, text),
    "birth_date": lambda key, cell, text: _date(key, cell, text),
}
_IDENTITY_ZH = {
    "resident.id_number.format": "证件号格式不对",
    "resident.id_number.checksum": "身份证号校验位不对，可能抄错了一位",
    "resident.id_number.birth_date": "身份证号中的出生日期无效",
    "resident.birth_date.mismatch": "出生日期与身份证号不一致",
    "resident.gender.mismatch": "性别与身份证号不一致",
    "resident.birth_date.required": "该证件类型须填写出生日期",
    "resident.gender.required": "该证件类型须填写性别",
    "resident.birth_date.future": "出生日期晚于今天",
}


class _Row:
    """One row being read: cells by key, and the errors and warnings found so far."""

    def __init__(self, header: HeaderMap, row_number: int, cells: Sequence[Any]) -> None:
        self.number = row_number
        self.cells = {key: cells[i] if i < len(cells) else None for i, key in header.columns.items()}
        self.texts = {key: clean(cell) for key, cell in self.cells.items()}
        self.errors: list[RowError] = []
        self.warnings: list[RowError] = []

    def blank(self, key: str) -> bool:
        return self.texts.get(key) is None

    def error(self, key: str | None, code: str, message: str) -> None:
        self.errors.append(RowError(self.number, key, code, message))

    def value(self, key: str) -> Any:
        """The cell's value, None when blank, absent or wrong (the error is recorded)."""
        if self.blank(key):
            return None
        try:
            return _VALUE_PARSERS[key](key, self.cells[key], self.texts[key])
        except _Bad as bad:
            self.error(key, bad.code, bad.message)
            return None


def parse_row(header: HeaderMap, row_number: int, cells: Sequence[Any], today: date) -> ParsedRow:
    """Every problem of the row at once, so that a worker fixes a row in one go."""
    row = _Row(header, row_number, cells)
    if too_long := [key for key, text in row.texts.items() if text is not None and len(text) > MAX_CELL_CHARS]:
        # Not parsed at all: no value of the row is worth reading past a pasted document.
        return ParsedRow(None, sorted((_too_long(row_number, key) for key in too_long), key=_column_order), [])
    values = {key: row.value(key) for key in _VALUE_PARSERS if key in header.present}
    if values.get("name") is None and row.blank("name"):
        row.error("name", "import.value.required", "姓名不能为空 (name is required)")
    values["phone"] = _phone_value(row)
    values["disability"] = _disability(row)
    values.update(_identity(row, values, today))
    if row.errors:
        return ParsedRow(None, sorted(row.errors, key=_column_order), row.warnings)
    values["special_care"] = values.get("special_care") or []
    return ParsedRow(LedgerRow(row=row_number, present=header.present, **values), row.errors, row.warnings)


_ORDER = {column.key: index for index, column in enumerate(COLUMNS)}


def _too_long(row_number: int, key: str) -> RowError:
    return RowError(row_number, key, "import.value.too_long",
                    f"{HEADERS[key]}：内容超过 {MAX_CELL_CHARS:,} 个字符，请删减 "
                    f"(longer than {MAX_CELL_CHARS:,} characters)")


def _column_order(error: RowError) -> int:
    return _ORDER.get(error.column or "", len(_ORDER))


def _phone_value(row: _Row) -> str | None:
    if row.blank("phone"):
        return None
    try:
        phone, dropped = _phone(row.texts["phone"])
    except _Bad as bad:
        row.error("phone", bad.code, bad.message)
        return None
    if dropped:
        shown = "、".join(mask_phone("".join(number.split())) or "" for number in dropped)
        message = (f"联系电话填了{len(dropped) + 1}个号码，只保留第一个，舍弃{len(dropped)}个：{shown} "
                   f"(kept the first phone number, dropped {len(dropped)})")
        row.warnings.append(RowError(row.number, "phone", "import.phone.multiple", message))
    return phone


def _disability(row: _Row) -> dict[str, Any] | None:
    category, grade = "disability_category", "disability_grade"
    if row.blank(category) and row.blank(grade):
        return None
    for key, other in ((category, grade), (grade, category)):
        if row.blank(key):
            row.error(key, "import.value.required", f"填了{HEADERS[other]}，也须填写{HEADERS[key]} ({key} is required)")
            return None
    values = {}
    for key, field_name in ((category, "category"), (grade, "grade")):
        try:
            values[field_name] = _label(key, row.texts[key])
        except _Bad as bad:
            row.error(key, bad.code, bad.message)
    return values if len(values) == 2 else None


def _identity(row: _Row, values: dict[str, Any], today: date) -> dict[str, Any]:
    """Document type and number decide birth date and gender; the columns beside them must agree."""
    id_type = _id_type(row)
    number = _id_number(row, id_type)
    if id_type is None or number is None:
        return {}
    failed = {error.column for error in row.errors}
    birth = None if "birth_date" in failed else values.get("birth_date")
    if isinstance(birth, YearMonth) and id_type != "id_card":
        row.error("birth_date", "import.date.format",
                  "该证件类型须填写完整的出生日期，如 1950-03-07 (full date required)")
        return {}
    gender = None if "gender" in failed else values.get("gender")
    try:
        identity = resolve_identity(id_type, number, None if isinstance(birth, YearMonth) else birth, gender, today)
    except IdentityError as exc:
        if exc.field not in failed:
            zh = _IDENTITY_ZH.get(exc.code, "证件信息有误")
            row.error(exc.field, exc.code, f"{zh} ({redact_text(exc.message)})")
        return {}
    if isinstance(birth, YearMonth) and birth != (identity.birth_date.year, identity.birth_date.month):
        row.error("birth_date", "resident.birth_date.mismatch",
                  f"出生年月与身份证号不一致 (birth month {birth.year}-{birth.month:02d} disagrees with the ID number)")
    return {"id_type": id_type, "id_number": identity.id_number, "birth_date": identity.birth_date,
            "gender": identity.gender}


def _id_type(row: _Row) -> str | None:
    if row.blank("id_type"):
        return "id_card"
    try:
        return _label("id_type", row.texts["id_type"])
    except _Bad as bad:
        row.error("id_type", bad.code, bad.message)
        return None


def _id_number(row: _Row, id_type: str | None) -> str | None:
    cell = row.cells.get("id_number")
    if row.blank("id_number"):
        row.error("id_number", "import.value.required", "身份证号不能为空 (id_number is required)")
        return None
    if id_type == "id_card" and isinstance(cell, int | float):
        # Excel keeps 15 significant digits: the number on file is already wrong.
        row.error("id_number", "resident.id_number.format",
                  f"身份证号被 Excel 存成了数字（{mask_id_number(clean(cell))}），末几位已丢失；"
                  "请把该列设为“文本”后重新填写 (ID number stored as a number)")
        return None
    return row.texts["id_number"]


# Row messages stored under the old mask (`130303********1234`), which with the birth date is the whole number.
_OLD_ID_MASK = re.compile(r"(?<![0-9A-Za-z*])[0-9]{6}\*{8}[0-9]{3}[0-9Xx](?![0-9A-Za-z*])")


def masked_anew(message: str) -> str:
    """A stored row message as it may be shown today: every ID number in it under the current mask."""
    return _OLD_ID_MASK.sub(lambda match: mask_id_number(match.group()) or "", message)
