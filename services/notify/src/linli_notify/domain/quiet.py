"""Quiet hours in local time (Asia/Shanghai): when a message may go out, and when it must wait until."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


def parse_hhmm(text: str) -> time:
    """'21:00' → time(21, 0); ValueError for anything else."""
    hours, _, minutes = text.partition(":")
    digits = hours + minutes
    if len(hours) != 2 or len(minutes) != 2 or not (digits.isascii() and digits.isdigit()):
        raise ValueError(f"{text!r} is not HH:MM")
    try:
        return time(int(hours), int(minutes))
    except ValueError as exc:  # 24:00, 07:60
        raise ValueError(f"{text!r} is not HH:MM") from exc


def in_quiet_hours(local: time, start: time, end: time) -> bool:
    """[start, end) in local time; a window may cross midnight (21:00–08:00); start == end means none."""
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def quiet_until(now: datetime, start: time, end: time, zone: ZoneInfo) -> datetime | None:
    """None when a message may go out now; else the end of the current quiet window, as an aware datetime."""
    local = now.astimezone(zone)
    if not in_quiet_hours(local.time(), start, end):
        return None
    release = datetime.combine(local.date(), end, tzinfo=zone)
    if release <= local:
        release = datetime.combine(local.date() + timedelta(days=1), end, tzinfo=zone)
    return release
