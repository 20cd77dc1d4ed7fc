"""Festival dates (逢年过节) and birthdays, on the solar or the lunar calendar (农历).

Lunar arithmetic comes from `lunardate`, which covers lunar years 1900–2099.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Literal

from lunardate import LunarDate

Festival = Literal["spring_festival", "mid_autumn", "double_ninth", "july_first", "national_day"]
CalendarKind = Literal["solar", "lunar"]

FESTIVALS: dict[Festival, tuple[CalendarKind, int, int]] = {  # calendar, month, day
    "spring_festival": ("lunar", 1, 1),  # 春节
    "mid_autumn": ("lunar", 8, 15),  # 中秋
    "double_ninth": ("lunar", 9, 9),  # 重阳, the elders' festival
    "july_first": ("solar", 7, 1),  # 七一, founding of the Party
    "national_day": ("solar", 10, 1),  # 国庆
}

_FIRST_LUNAR_DAY = date(1900, 1, 31)  # lunardate silently returns nonsense before this day


def festival_date(festival: Festival, year: int) -> date:
    """The solar date of `festival` in solar `year`.

    The three lunar festivals fall in the first lunar months, so lunar year `year`
    always puts them in solar `year` too.
    """
    kind, month, day = FESTIVALS[festival]
    if kind == "solar":
        return date(year, month, day)
    return LunarDate(year, month, day).to_solar_date()


def birthday_in_year(birth_date: date, calendar: CalendarKind, year: int) -> date:
    """The solar date on which the birthday is celebrated in `year`.

    For a solar birthday `year` is the solar year. For a lunar birthday it is the LUNAR year,
    the one starting at Spring Festival of solar `year`, so a birthday in the 12th lunar
    month lands in January or February of solar `year + 1`. Use `next_birthday` to ask for
    a birthday on or after a given day.
    """
    if calendar == "solar":
        return _solar_birthday(birth_date, year)
    return _lunar_birthday(birth_date, year)


def next_birthday(birth_date: date, calendar: CalendarKind, on_or_after: date) -> date:
    """The first celebrated birthday on or after `on_or_after` (never the day of birth itself)."""
    start = max(on_or_after, birth_date + timedelta(days=1))
    return next(day for day in _birthdays_around(birth_date, calendar, start.year) if day >= start)


def _birthdays_around(birth_date: date, calendar: CalendarKind, solar_year: int) -> Iterator[date]:
    # Lazily and in date order. A January or February date may still be in the previous
    # lunar year; every birthday of lunar year `solar_year + 1` falls after `solar_year`.
    for year in (solar_year - 1, solar_year, solar_year + 1):
        yield birthday_in_year(birth_date, calendar, year)


def _solar_birthday(birth_date: date, year: int) -> date:
    try:
        return birth_date.replace(year=year)
    except ValueError:
        # Born 29 February: in a common year families celebrate on 28 February, the last
        # day of the birth month. Completed-age counting (ages.age_on) instead adds the
        # year on 1 March; the two rules answer different questions.
        return date(year, 2, 28)


def _lunar_birthday(birth_date: date, year: int) -> date:
    if birth_date < _FIRST_LUNAR_DAY:
        raise ValueError(f"no lunar date is known for {birth_date.isoformat()}")
    born = LunarDate.from_solar_date(birth_date.year, birth_date.month, birth_date.day)
    # Born in a leap month (闰月): most years have no such month, so the birthday is kept
    # in the ordinary month of the same number, every year, for a steady date.
    try:
        return LunarDate(year, born.month, born.day).to_solar_date()
    except ValueError:
        if born.day != 30:  # the year itself is out of lunardate's range
            raise
        # Lunar months have 29 or 30 days; a "30th" birthday moves to the month's last day.
        return LunarDate(year, born.month, 29).to_solar_date()
