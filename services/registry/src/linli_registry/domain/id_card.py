"""Mainland resident ID numbers (居民身份证号码, GB 11643-1999)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from linli_shared.domain.groups import Gender

FORMAT = "resident.id_number.format"
BIRTH_DATE = "resident.id_number.birth_date"
CHECKSUM = "resident.id_number.checksum"

# ISO 7064 MOD 11-2: weight of each of the first 17 digits, and the check
# character for each remainder of the weighted sum modulo 11.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS = "10X98765432"
_FIRST17 = re.compile(r"[0-9]{17}")
_NUMBER = re.compile(r"[0-9]{17}[0-9X]")
# Chinese input methods often produce full-width characters (全角).
_FULL_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789XX")
_EARLIEST_BIRTH = date(1900, 1, 1)


class IdNumberError(ValueError):
    """A rejected ID number; `code` is stable, `message` is for the worker.

    Messages never repeat the whole number, because errors end up in logs.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class IdCard:
    number: str
    area_code: str  # 行政区划代码 where the number was issued
    birth_date: date
    gender: Gender


def normalize_id_number(raw: str) -> str:
    """Drop all whitespace (also U+3000 and spaces typed between digit groups)
    and turn full-width digits and a lowercase x into ASCII."""
    compact = "".join(raw.translate(_FULL_WIDTH).split())
    if compact.endswith("x"):
        return compact[:-1] + "X"
    return compact


def check_character(first17: str) -> str:
    """The 18th character (校验码) that the first 17 digits call for."""
    if not _FIRST17.fullmatch(first17):
        raise IdNumberError(FORMAT, "The first 17 characters of an ID number must be digits")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARACTERS[total % 11]


def parse_id_card(raw: str, today: date | None = None) -> IdCard:
    """Normalise and validate (format, then birth date, then checksum)."""
    number = normalize_id_number(raw)
    if not _NUMBER.fullmatch(number):
        raise IdNumberError(
            FORMAT, f"ID number must be 17 digits followed by a digit or X; got {len(number)} characters"
        )
    birth_date = _birth_date(number[6:14], today)
    expected = check_character(number[:17])
    if number[17] != expected:
        raise IdNumberError(CHECKSUM, f"ID number check character should be {expected}, not {number[17]}")
    # The 17th digit is the sequence number's last: odd for men, even for women.
    gender: Gender = "male" if int(number[16]) % 2 else "female"
    return IdCard(number=number, area_code=number[:6], birth_date=birth_date, gender=gender)


def _birth_date(digits: str, today: date | None) -> date:
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise IdNumberError(BIRTH_DATE, f"ID number birth date {digits} is not a real date") from None
    if born < _EARLIEST_BIRTH:
        raise IdNumberError(BIRTH_DATE, f"ID number birth date {born} is before 1900")
    if today is not None and born > today:
        raise IdNumberError(BIRTH_DATE, f"ID number birth date {born} is in the future")
    return born


def id_tail(number: str) -> str:
    """Last four characters, the part workers read out to tell residents apart."""
    return number[-4:]
