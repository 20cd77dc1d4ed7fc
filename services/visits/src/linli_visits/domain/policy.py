"""Visit policy of one community: routine cadences and the five mandatory visits (五必访).

Every community may edit its policy; a new community starts from `default_policy()`.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from linli_shared.bounds import Code
from linli_shared.domain.groups import GROUPS, HOUSEHOLD_GROUPS

Reason = Literal["routine", "hospitalized", "major_event", "special_situation", "festival", "birthday", "follow_up"]
# Life events that call for a mandatory visit within a few days.
MandatoryEvent = Literal["hospitalized", "major_event", "special_situation"]

# Visits-only compound group: living alone (独居) and 80 or older; not one of the shared GROUPS.
LIVING_ALONE_80 = "living_alone_elderly_80"
CADENCE_GROUPS = (
    LIVING_ALONE_80, "living_alone_elderly", "empty_nest_households", "special_care",
    "low_income_households", "retired_cadres",
)
DEFAULT_CADENCES = {  # days between routine visits
    LIVING_ALONE_80: 7,
    "living_alone_elderly": 14,
    "empty_nest_households": 30,
    "special_care": 30,
    "low_income_households": 90,
    "retired_cadres": 90,
}
DEFAULT_MANDATORY_GROUPS = ("retired_cadres", "elderly_80")


class _Model(BaseModel):
    # Frozen: an edited policy is a new, validated policy, never a half-changed one.
    model_config = ConfigDict(frozen=True, extra="forbid")


class Cadence(_Model):
    group: Code
    every_days: int = Field(ge=1, le=366)


def _default_cadences() -> list[Cadence]:
    return [Cadence(group=group, every_days=days) for group, days in DEFAULT_CADENCES.items()]


class VisitPolicy(_Model):
    cadences: list[Cadence] = Field(default_factory=_default_cadences, max_length=50)
    mandatory_groups: list[Code] = Field(default_factory=lambda: list(DEFAULT_MANDATORY_GROUPS), max_length=50)
    hospitalized_days: int = Field(default=3, ge=0, le=30)  # visit within N days of the event date
    major_event_days: int = Field(default=3, ge=0, le=30)
    special_situation_days: int = Field(default=2, ge=0, le=30)
    birthday_days_either_side: int = Field(default=3, ge=0, le=15)
    birthday_notice_days: int = Field(default=14, ge=0, le=60)  # task created this long before its window opens
    follow_up_days: int = Field(default=30, ge=1, le=180)  # 回访 after a job placement
    festival_days_before: int = Field(default=7, ge=0, le=30)
    festival_days_after: int = Field(default=3, ge=0, le=30)

    @field_validator("cadences")
    @classmethod
    def _known_distinct_cadence_groups(cls, cadences: list[Cadence]) -> list[Cadence]:
        names = [cadence.group for cadence in cadences]
        for name in names:
            if name not in CADENCE_GROUPS:
                known = ", ".join(CADENCE_GROUPS)
                raise ValueError(f"no routine cadence can be set for group {name!r}; known: {known}")
        _refuse_duplicates(names, "cadence")
        return cadences

    @field_validator("mandatory_groups")
    @classmethod
    def _known_resident_groups(cls, names: list[str]) -> list[str]:
        for name in names:
            if name not in GROUPS:
                raise ValueError(f"unknown group {name!r} in mandatory_groups")
            if name in HOUSEHOLD_GROUPS:
                # Mandatory visits follow one person's hospital stay or birthday, not a household.
                raise ValueError(f"{name!r} is a household group; mandatory visits are for resident groups")
        _refuse_duplicates(names, "mandatory group")
        return names


def _refuse_duplicates(names: list[str], what: str) -> None:
    repeated = sorted(name for name, count in Counter(names).items() if count > 1)
    if repeated:
        raise ValueError(f"{what} given more than once: {', '.join(repeated)}")


def default_policy() -> VisitPolicy:
    return VisitPolicy()


def routine_cadence(policy: VisitPolicy, groups: Iterable[str]) -> int | None:
    """Days between routine visits for someone in `groups`: the most frequent applicable cadence.

    Household groups (empty-nest, low-income) apply when the caller lists them, which it does
    for the household's representative.
    """
    applicable = set(groups)
    if {"living_alone_elderly", "elderly_80"} <= applicable:
        applicable.add(LIVING_ALONE_80)
    days = [cadence.every_days for cadence in policy.cadences if cadence.group in applicable]
    return min(days, default=None)


def gets_mandatory_visits(policy: VisitPolicy, groups: Iterable[str]) -> bool:
    return not set(policy.mandatory_groups).isdisjoint(groups)


def mandatory_window_days(policy: VisitPolicy, reason: MandatoryEvent) -> int:
    """Days after the event date within which the mandatory visit is due."""
    windows = {
        "hospitalized": policy.hospitalized_days,
        "major_event": policy.major_event_days,
        "special_situation": policy.special_situation_days,
    }
    if reason not in windows:
        raise ValueError(f"{reason!r} is not an event that calls for a mandatory visit")
    return windows[reason]
