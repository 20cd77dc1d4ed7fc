"""Made-up but valid residents for tests, demos and benches."""
from __future__ import annotations

import itertools
from datetime import date

from linli_registry.domain.id_card import check_character

_sequence = itertools.count(11)


def id_number(birth: date, gender: str = "female", area: str = "130303", seq: int | None = None) -> str:
    """A valid mainland ID number (GB 11643) for the birth date and gender; unique per call unless `seq` is given."""
    n = next(_sequence) if seq is None else seq
    first17 = f"{area}{birth:%Y%m%d}{n % 499 * 2 + (1 if gender == 'male' else 2):03d}"
    return first17 + check_character(first17)


def born_years_ago(years: int, today: date, days_before: int = 0) -> date:
    """A birth date `years` completed years before `today`, `days_before` days earlier still."""
    day = min(today.day, 28)
    return date.fromordinal(date(today.year - years, today.month, day).toordinal() - days_before)
