"""Dates typed as people here write them, read by one parser; anything else is refused, never guessed."""
from __future__ import annotations

from datetime import date

import pytest
from linli_console import dates


@pytest.mark.parametrize("typed", ["2026年12月6日", "2026-12-6", "2026/12/6", "2026.12.6", "2026-12-06",
                                   " 2026 年 12 月 6 日 ", "2026年12月6"])
def test_a_date_typed_as_people_here_write_it_is_read(typed):
    assert dates.typed(typed) == date(2026, 12, 6)


@pytest.mark.parametrize("typed", ["", "12/6/2026", "6.12.2026", "2026年13月6日", "2026-2-30", "明天", "20261206"])
def test_anything_else_is_refused(typed):
    with pytest.raises(ValueError):
        dates.typed(typed)


def test_a_month_on_a_chart_reads_as_a_month():
    assert dates.month("2026-12-01") == "12月"
