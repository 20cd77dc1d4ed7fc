"""Time-bounded memberships: a resident's disability certificate (残疾人证) and special-care categories (重点监护对象).

Stored on the resident as `memberships`, in the order they were opened:
    {"kind": "disability", "category": "physical", "grade": 2, "start": "2019-05-01" | None, "end": None | "2024-01-01"}
    {"kind": "special_care", "category": "community_corrections", "start": ..., "end": ...}
ISO dates; `end` is exclusive and None while running; a `start` of None means "since before records
began" (a value present at registration or in an imported ledger). At most one disability period is
open, and one per special-care category. The resident's `disability` and `special_care` fields are
what is open today, so consumers of events see them unchanged.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, Literal

Kind = Literal["disability", "special_care"]


class MembershipError(Exception):
    """A broken rule, with a stable dotted code and the request field it concerns."""

    def __init__(self, code: str, message: str, field: str) -> None:
        super().__init__(message)
        self.code, self.message, self.field = code, message, field


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _open(memberships: list[dict], kind: str, category: str | None = None) -> dict | None:
    """The running period of a kind (for disability any category: one certificate at a time)."""
    for period in reversed(memberships):
        if period["kind"] == kind and period.get("end") is None and category in (None, period["category"]):
            return period
    return None


def _latest(memberships: list[dict], kind: str, category: str | None) -> dict | None:
    same = [p for p in memberships if p["kind"] == kind and category in (None, p["category"])]
    return same[-1] if same else None


def _replace(memberships: list[dict], old: dict, new: dict) -> list[dict]:
    return [new if p is old else p for p in memberships]


def start_membership(memberships: list[dict], kind: Kind, category: str, start: date | None,
                     grade: int | None = None, *, today: date) -> list[dict]:
    """Open a period from `start` (None: since before records began).

    A certificate with a new category or grade ends the running one on `start` and opens its
    successor, like a low-income re-rating; started the same day, it corrects the running one.
    """
    if start is not None and start > today:
        raise MembershipError("membership.start_future", f"start {start} is in the future", "start")
    scope = None if kind == "disability" else category
    running = _open(memberships, kind, scope)
    new = {"kind": kind, "category": category, **({"grade": grade} if kind == "disability" else {}),
           "start": _iso(start), "end": None}
    if running is not None and (kind == "special_care" or _same_certificate(running, new)):
        raise MembershipError("membership.already_active",
                              f"{kind} {category} is already running since {running['start'] or 'before records'}",
                              "category")
    latest = _latest(memberships, kind, scope)
    if latest is not None and start is None:
        raise MembershipError("membership.overlaps", f"{kind} {category} has history; give its start", "start")
    if latest is not None and _iso(start) < (latest.get("end") or latest["start"] or ""):
        raise MembershipError("membership.overlaps",
                              f"start {start} is before the last {kind} period's start or end", "start")
    if running is not None and running["start"] == new["start"]:
        return _replace(memberships, running, new)
    if running is not None:
        memberships = _replace(memberships, running, {**running, "end": new["start"]})
    return [*memberships, new]


def _same_certificate(running: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    return (running["category"], running.get("grade")) == (new["category"], new.get("grade"))


def end_membership(memberships: list[dict], kind: Kind, category: str, end: date, *, today: date) -> list[dict]:
    """Close the running period on `end` (exclusive: the last day counted is the day before).

    An end after today is refused: nothing would publish the change when that day comes.
    """
    running = _open(memberships, kind, category)
    if running is None:
        raise MembershipError("membership.not_active", f"{kind} {category} has no running period to end", "category")
    if end > today:
        raise MembershipError("membership.end_future", f"end {end} is in the future", "end")
    if running["start"] is not None and end.isoformat() < running["start"]:
        raise MembershipError("membership.end_before_start",
                              f"end {end} is before the period started ({running['start']})", "end")
    return _replace(memberships, running, {**running, "end": end.isoformat()})


def running_on(period: Mapping[str, Any], day: date) -> bool:
    iso = day.isoformat()
    return (period["start"] or "") <= iso and (period.get("end") is None or iso < period["end"])


def current_fields(memberships: Iterable[Mapping[str, Any]], today: date) -> dict[str, Any]:
    """The resident's `disability` and `special_care` fields: the periods running today."""
    running = [p for p in memberships if running_on(p, today)]
    disability = [{"category": p["category"], "grade": p["grade"]} for p in running if p["kind"] == "disability"]
    special_care = [p["category"] for p in running if p["kind"] == "special_care"]
    return {"disability": disability[-1] if disability else None, "special_care": list(dict.fromkeys(special_care))}


def reconcile(memberships: list[dict], disability: Mapping[str, Any] | None, special_care: Iterable[str],
              on: date | None) -> list[dict]:
    """Bring the periods in line with directly set fields (a PATCH, a registration, a ledger import).

    New values open from `on`, removed ones end on `on`, unchanged ones are left alone. `on` None is
    for values with no known start (registration, import): they open "since before records began".
    With `on` today this never raises, as no stored period starts or ends after today.
    """
    today = on or date.max  # `on` is today at the latest: the clock was the caller's to check
    running = _open(memberships, "disability")
    held = (running["category"], running.get("grade")) if running else None
    wanted = (disability["category"], disability["grade"]) if disability else None
    if wanted is None and held is not None:
        memberships = end_membership(memberships, "disability", held[0], _known(on), today=today)
    elif wanted is not None and wanted != held:
        memberships = start_membership(memberships, "disability", wanted[0], on, wanted[1], today=today)
    care = set(special_care)
    for period in [p for p in memberships if p["kind"] == "special_care" and p.get("end") is None]:
        if period["category"] not in care:
            memberships = end_membership(memberships, "special_care", period["category"], _known(on), today=today)
    for category in dict.fromkeys(special_care):
        if _open(memberships, "special_care", category) is None:
            memberships = start_membership(memberships, "special_care", category, on, today=today)
    return memberships


def _known(on: date | None) -> date:
    if on is None:
        raise ValueError("a running membership can only be ended on a known date")
    return on


def history_of(resident: Mapping[str, Any]) -> list[dict]:
    """The stored periods; for a record from before memberships were kept, its current values since ever."""
    if "memberships" in resident:
        return list(resident["memberships"])
    return reconcile([], resident.get("disability"), resident.get("special_care") or [], None)


def memberships_after(resident: Mapping[str, Any], changes: Mapping[str, Any], on: date) -> list[dict]:
    """The periods once a direct change of `disability` / `special_care` takes effect on `on`."""
    merged = {**resident, **changes}
    return reconcile(history_of(resident), merged.get("disability"), merged.get("special_care") or [], on)
