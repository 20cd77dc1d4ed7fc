"""Disability and special-care membership on a past as-of date: periods when known, today's flag otherwise."""
from __future__ import annotations

from datetime import date

import pytest

from linli_shared.domain.groups import Period, PersonFacts, group_members, person_facts_from, resident_groups

CORRECTIONS = (Period(start=date(2024, 3, 1), end=date(2025, 3, 1)),)  # 社区矫正, end exclusive


def someone(**facts: object) -> PersonFacts:
    return PersonFacts(resident_id="r1", household_id="h1", gender="male", birth_date=date(1970, 1, 1), **facts)


def in_group(group: str, who: PersonFacts, as_of: date) -> bool:
    return who.resident_id in group_members([who], [], as_of)[group]


@pytest.mark.parametrize(
    ("as_of", "member"),
    [(date(2023, 6, 1), False), (date(2024, 3, 1), True), (date(2024, 6, 1), True),
     (date(2025, 2, 28), True), (date(2025, 3, 1), False), (date(2025, 6, 1), False)],
)
def test_special_care_follows_its_period(as_of: date, member: bool) -> None:
    assert in_group("special_care", someone(special_care_periods=CORRECTIONS), as_of) is member


def test_periods_outrank_todays_flag() -> None:
    ended = someone(disabled=True, disability_periods=(Period(start=date(2020, 1, 1), end=date(2022, 1, 1)),))
    assert in_group("disabled", ended, date(2021, 1, 1))
    assert not in_group("disabled", ended, date(2023, 1, 1))  # the flag is not consulted


def test_without_periods_the_flag_counts_for_every_date() -> None:
    flagged = someone(disabled=True, special_care=True)
    assert in_group("disabled", flagged, date(1990, 1, 1)) and in_group("special_care", flagged, date(2030, 1, 1))
    assert not in_group("disabled", someone(), date(2024, 1, 1))


def test_an_unknown_start_means_since_before_records_began() -> None:
    legacy = someone(disability_periods=(Period(start=None, end=date(2024, 1, 1)), Period(start=date(2024, 1, 1))))
    assert [legacy.disabled_on(day) for day in (date(1975, 1, 1), date(2023, 12, 31), date(2024, 1, 1))] == [
        True, True, True]
    assert Period(start=None).active_on(date(1900, 1, 1))


def test_resident_groups_reads_the_periods_too() -> None:
    who = someone(special_care_periods=CORRECTIONS)
    assert "special_care" in resident_groups(who, [], None, date(2024, 6, 1))
    assert "special_care" not in resident_groups(who, [], None, date(2025, 6, 1))


def test_person_facts_from_reads_the_stored_memberships() -> None:
    record = {"_id": "r1", "gender": "female", "birth_date": "1960-05-01", "disability": None,
              "special_care": [], "memberships": [
                  {"kind": "disability", "category": "physical", "grade": 2, "start": None, "end": "2024-01-01"},
                  {"kind": "special_care", "category": "community_corrections", "start": "2024-03-01",
                   "end": "2025-03-01"},
              ]}
    facts = person_facts_from(record)
    assert facts.disability_periods == (Period(start=None, end=date(2024, 1, 1)),)
    assert facts.special_care_periods == CORRECTIONS
    assert (facts.disabled_on(date(2023, 1, 1)), facts.disabled_on(date(2024, 6, 1))) == (True, False)
    assert facts.special_care_on(date(2024, 6, 1))


def test_person_facts_from_an_event_keeps_the_flags() -> None:
    event = {"resident_id": "r1", "gender": "male", "birth_date": "1960-05-01",
             "disability": {"category": "visual", "grade": 1}, "special_care": ["dementia"]}
    facts = person_facts_from(event)
    assert (facts.disabled, facts.special_care, facts.disability_periods, facts.special_care_periods) == (
        True, True, (), ())
