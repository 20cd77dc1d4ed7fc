"""Age in completed years (周岁), as residents' committees count it."""
from __future__ import annotations

import calendar
from datetime import date


def age_on(birth_date: date, as_of: date) -> int:
    """Completed years (周岁) on `as_of`."""
    if as_of < birth_date:
        raise ValueError("as_of before birth_date")
    # Comparing (month, day) pairs puts a 29 February birthday on 1 March in
    # common years: (2, 28) < (2, 29) is still "before the birthday", (3, 1) is not.
    before_birthday = (as_of.month, as_of.day) < (birth_date.month, birth_date.day)
    return as_of.year - birth_date.year - before_birthday


def born_on_or_before_for_age(age: int, as_of: date) -> date:
    """Latest birth date of someone at least `age` on `as_of`, for date-range queries.

    age_on(d, as_of) >= age  <=>  d <= born_on_or_before_for_age(age, as_of)
    """
    if age < 0:
        raise ValueError("age must not be negative")
    year = as_of.year - age
    # On 29 February, age_on says someone born 28 February of a common year has
    # had their birthday but someone born 1 March has not.
    if (as_of.month, as_of.day) == (2, 29) and not calendar.isleap(year):
        return date(year, 2, 28)
    return as_of.replace(year=year)
