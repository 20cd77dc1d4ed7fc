from __future__ import annotations

from datetime import date

import pytest
from lunardate import LunarDate

from linli_visits.domain.calendar import (
    FESTIVALS,
    CalendarKind,
    Festival,
    birthday_in_year,
    festival_date,
    next_birthday,
)


@pytest.mark.parametrize(
    ("festival", "year", "expected"),
    [
        ("spring_festival", 2025, date(2025, 1, 29)),
        ("spring_festival", 2026, date(2026, 2, 17)),
        ("mid_autumn", 2025, date(2025, 10, 6)),
        ("mid_autumn", 2026, date(2026, 9, 25)),
        ("double_ninth", 2025, date(2025, 10, 29)),
        ("double_ninth", 2026, date(2026, 10, 18)),
        ("july_first", 2025, date(2025, 7, 1)),
        ("national_day", 2026, date(2026, 10, 1)),
    ],
)
def test_festival_date(festival: Festival, year: int, expected: date) -> None:
    assert festival_date(festival, year) == expected


def test_lunar_festivals_agree_with_lunardate() -> None:
    for festival, (kind, month, day) in FESTIVALS.items():
        if kind == "lunar":
            found = festival_date(festival, 2026)
            assert LunarDate.from_solar_date(found.year, found.month, found.day) == LunarDate(2026, month, day)


def test_lunar_birthday_moves_between_years() -> None:
    """Born 1946-09-10 (solar): LunarDate.from_solar_date gives lunar 1946-08-15, Mid-Autumn Day.

    Lunar 8/15 is 2025-10-06 and 2026-09-25 on the solar calendar.
    """
    assert LunarDate.from_solar_date(1946, 9, 10) == LunarDate(1946, 8, 15)
    in_2025 = birthday_in_year(date(1946, 9, 10), "lunar", 2025)
    in_2026 = birthday_in_year(date(1946, 9, 10), "lunar", 2026)
    assert (in_2025, in_2026) == (date(2025, 10, 6), date(2026, 9, 25))
    assert in_2025.replace(year=2026) != in_2026


def test_solar_birthday_keeps_month_and_day() -> None:
    assert birthday_in_year(date(1946, 9, 10), "solar", 2025) == date(2025, 9, 10)


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2025, date(2025, 3, 9)),  # 2025 has no leap 2nd month: lunar 2/10
        (2023, date(2023, 3, 1)),  # 2023 has a leap 2nd month, still the ordinary one (闰二月 10 = 3-31)
    ],
)
def test_leap_month_birthday_keeps_the_ordinary_month(year: int, expected: date) -> None:
    """Born 1947-04-01: lunar 1947 leap 2nd month, day 10 (闰二月初十)."""
    assert LunarDate.from_solar_date(1947, 4, 1) == LunarDate(1947, 2, 10, True)
    assert birthday_in_year(date(1947, 4, 1), "lunar", year) == expected


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2025, date(2025, 9, 21)),  # the 7th month of 2025 has 30 days
        (2026, date(2026, 9, 10)),  # the 7th month of 2026 has 29: lunar 7/29
    ],
)
def test_day_30_falls_back_to_day_29(year: int, expected: date) -> None:
    """Born 1943-08-30: lunar 1943 7th month, day 30 (七月三十)."""
    assert LunarDate.from_solar_date(1943, 8, 30) == LunarDate(1943, 7, 30)
    assert birthday_in_year(date(1943, 8, 30), "lunar", year) == expected


def test_late_lunar_birthday_falls_in_the_next_solar_year() -> None:
    """Born 1943-02-04: lunar 1942 12th month, day 30 (除夕); 2025's 12th month has 29 days."""
    assert LunarDate.from_solar_date(1943, 2, 4) == LunarDate(1942, 12, 30)
    assert birthday_in_year(date(1943, 2, 4), "lunar", 2025) == date(2026, 2, 16)


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2025, date(2025, 2, 28)), (2028, date(2028, 2, 29))],
)
def test_solar_29_february(year: int, expected: date) -> None:
    assert birthday_in_year(date(1944, 2, 29), "solar", year) == expected


def test_lunar_year_out_of_range_is_an_error() -> None:
    with pytest.raises(ValueError, match="year out of range"):
        birthday_in_year(date(1943, 8, 30), "lunar", 2100)


def test_no_lunar_date_before_1900_01_31() -> None:
    with pytest.raises(ValueError, match="no lunar date is known for 1900-01-30"):
        birthday_in_year(date(1900, 1, 30), "lunar", 2025)


@pytest.mark.parametrize(
    ("birth", "calendar", "on_or_after", "expected"),
    [
        (date(1940, 12, 30), "solar", date(2025, 12, 30), date(2025, 12, 30)),  # on the day itself
        (date(1940, 12, 30), "solar", date(2025, 12, 31), date(2026, 12, 30)),  # across the year end
        (date(1944, 2, 29), "solar", date(2025, 3, 1), date(2026, 2, 28)),
        (date(1946, 9, 10), "lunar", date(2025, 10, 7), date(2026, 9, 25)),
        # Lunar 12/30 (除夕): in December the next one is in February, still lunar year 2025 ...
        (date(1943, 2, 4), "lunar", date(2025, 12, 31), date(2026, 2, 16)),
        # ... and in early January too, before that lunar year has ended.
        (date(1943, 2, 4), "lunar", date(2026, 1, 5), date(2026, 2, 16)),
        (date(1943, 2, 4), "lunar", date(2026, 2, 17), date(2027, 2, 5)),
        (date(1943, 2, 4), "lunar", date(2025, 1, 28), date(2025, 1, 28)),  # lunar 2024's 12/29
    ],
)
def test_next_birthday(birth: date, calendar: CalendarKind, on_or_after: date, expected: date) -> None:
    assert next_birthday(birth, calendar, on_or_after) == expected


@pytest.mark.parametrize("calendar", ["solar", "lunar"])
def test_next_birthday_is_never_the_day_of_birth(calendar: CalendarKind) -> None:
    assert next_birthday(date(2025, 3, 9), calendar, date(2025, 1, 1)) == {
        "solar": date(2026, 3, 9),
        "lunar": date(2026, 3, 28),  # born lunar 2025 2/10
    }[calendar]
