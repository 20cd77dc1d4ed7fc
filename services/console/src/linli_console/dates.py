"""Dates as people here write them: 2026年12月6日, 12月6日 周日."""
from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

WEEKDAYS = "一二三四五六日"
LOCAL = ZoneInfo("Asia/Shanghai")
# 2026年12月6日, 2026-12-6, 2026/12/6, 2026.12.6 (and the browser's 2026-12-06), spaces allowed around the parts.
TYPED = re.compile(r"\s*(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?\s*")


def _as_date(value: date | str | None) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.astimezone(LOCAL).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    return _as_date(datetime.fromisoformat(value)) if "T" in value else date.fromisoformat(value)


def long_date(value: date | str | None) -> str:
    """2026年12月6日"""
    d = _as_date(value)
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def short_date(value: date | str | None) -> str:
    """12月6日 周日"""
    d = _as_date(value)
    return f"{d.month}月{d.day}日 周{WEEKDAYS[d.weekday()]}" if d else ""


def month(value: date | str) -> str:
    """12月 (a month of this year, as a chart's axis names it)"""
    return f"{_as_date(value).month}月"


def date_time(value: datetime | str | None) -> str:
    """2026年12月6日 14:05, in the committee's time zone."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    local = moment.astimezone(LOCAL) if moment.tzinfo else moment
    return f"{long_date(local.date())} {local:%H:%M}"


def window(start: date | str | None, end: date | str | None) -> str:
    """A due window: 12月6日 周日 – 12月13日 周日 (one day alone if both are the same)."""
    first, last = _as_date(start), _as_date(end)
    if first and last and first != last:
        return f"{short_date(first)} – {short_date(last)}"
    return short_date(first or last)


def typed(text: str) -> date:
    """A date as a person here types it; ValueError for anything else (the caller says so beside the field)."""
    found = TYPED.fullmatch(text)
    if not found:
        raise ValueError(text)
    return date(*(int(part) for part in found.groups()))
