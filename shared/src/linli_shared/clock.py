"""The one source of "now": real in production, set by tests (overdue, quiet hours, follow-ups)."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo


class Clock:
    def __init__(self, timezone: str = "Asia/Shanghai") -> None:
        self.zone = ZoneInfo(timezone)
        self._offset = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def today(self) -> date:
        """The local calendar day: committees work in Asia/Shanghai, not UTC."""
        return self.now().astimezone(self.zone).date()

    def day_of(self, moment: datetime) -> date:
        """The local calendar day of a moment, whatever offset it was given in."""
        return moment.astimezone(self.zone).date()

    def advance(self, delta: timedelta) -> None:
        """Move time forward (tests, and demos of what happens in 30 days)."""
        self._offset += delta

    def set_today(self, day: date) -> None:
        current = self.now().astimezone(self.zone)
        target = datetime.combine(day, current.timetz())
        self._offset += target - current
