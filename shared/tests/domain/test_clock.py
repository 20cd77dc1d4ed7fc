"""Committees count days in their own zone: a moment's day does not depend on the offset it came in."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from linli_shared.clock import Clock


def test_a_moment_sent_in_utc_counts_for_the_committees_day() -> None:
    clock = Clock("Asia/Shanghai")
    just_after_midnight_there = datetime(2026, 11, 23, 16, 0, 30, tzinfo=UTC)
    assert clock.day_of(just_after_midnight_there) == date(2026, 11, 24)
    assert clock.day_of(just_after_midnight_there.astimezone(timezone(timedelta(hours=-5)))) == date(2026, 11, 24)
    assert clock.day_of(datetime(2026, 11, 23, 15, 59, 59, tzinfo=UTC)) == date(2026, 11, 23)
