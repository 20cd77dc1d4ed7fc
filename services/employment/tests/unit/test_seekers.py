from __future__ import annotations

from datetime import date

import pytest

from linli_shared.domain.groups import GroupRules

from linli_employment.domain.seekers import HouseholdMember, SeekerFacts, is_job_seeker, priority_groups
from linli_employment.domain.vocabulary import Gender

TODAY = date(2025, 6, 15)


def born(age: int) -> date:
    """Birth date of someone who turns `age` today."""
    return TODAY.replace(year=TODAY.year - age)


def person(
    age: int, gender: Gender = "female", work: str | None = "unemployed", status: str = "active", disabled: bool = False
) -> SeekerFacts:
    return SeekerFacts(
        resident_id="me", gender=gender, birth_date=born(age), employment_status=work, status=status, disabled=disabled
    )


def member(resident_id: str, age: int, work: str | None, status: str = "active") -> HouseholdMember:
    return HouseholdMember(
        resident_id=resident_id, gender="male", birth_date=born(age), employment_status=work, status=status
    )


EMPLOYED_SPOUSE = [member("spouse", 45, "employed")]  # keeps the zero-employment family out of the way


@pytest.mark.parametrize(
    ("work", "status", "expected"),
    [
        ("unemployed", "active", True),
        ("laid_off", "active", True),
        ("employed", "active", False),
        ("retired", "active", False),
        ("student", "active", False),
        (None, "active", False),
        ("unemployed", "moved_out", False),
        ("laid_off", "deceased", False),
    ],
)
def test_a_job_seeker_is_an_active_resident_out_of_work(work: str | None, status: str, expected: bool) -> None:
    assert is_job_seeker(person(30, work=work, status=status)) is expected


@pytest.mark.parametrize(
    ("gender", "age", "expected"),
    [
        ("female", 39, []),
        ("female", 40, ["hard_to_employ_4050"]),
        ("female", 49, ["hard_to_employ_4050"]),
        ("female", 50, []),
        ("male", 49, []),
        ("male", 50, ["hard_to_employ_4050"]),
        ("male", 59, ["hard_to_employ_4050"]),
        ("male", 60, []),
    ],
)
def test_4050_bounds_by_gender(gender: Gender, age: int, expected: list[str]) -> None:
    assert priority_groups(person(age, gender), EMPLOYED_SPOUSE, TODAY) == expected


def test_4050_the_day_before_the_40th_birthday() -> None:
    almost_40 = SeekerFacts(
        resident_id="me", gender="female", birth_date=date(1985, 6, 16), employment_status="unemployed"
    )
    assert priority_groups(almost_40, EMPLOYED_SPOUSE, TODAY) == []


@pytest.mark.parametrize("work", ["unemployed", "laid_off"])
def test_laid_off_counts_like_unemployed(work: str) -> None:
    assert priority_groups(person(45, work=work), EMPLOYED_SPOUSE, TODAY) == ["hard_to_employ_4050"]


def test_no_4050_while_employed() -> None:
    assert priority_groups(person(45, work="employed"), [], TODAY) == []


def test_4050_bounds_come_from_the_rules() -> None:
    rules = GroupRules(hard_to_employ_female=(35, 45))
    assert priority_groups(person(36), EMPLOYED_SPOUSE, TODAY, rules) == ["hard_to_employ_4050"]
    assert priority_groups(person(46), EMPLOYED_SPOUSE, TODAY, rules) == []


@pytest.mark.parametrize(
    ("age", "expected"),
    [(15, []), (16, ["youth"]), (24, ["youth"]), (25, [])],
)
def test_youth_bounds(age: int, expected: list[str]) -> None:
    assert priority_groups(person(age, "male"), EMPLOYED_SPOUSE, TODAY) == expected


def test_no_youth_while_studying() -> None:
    assert priority_groups(person(20, work="student"), EMPLOYED_SPOUSE, TODAY) == []


def test_disabled_is_the_flag_whatever_the_work() -> None:
    assert priority_groups(person(30, work="employed", disabled=True), [], TODAY) == ["disabled"]


def test_zero_employment_when_both_spouses_are_out_of_work() -> None:
    household = [member("spouse", 47, "laid_off")]
    assert priority_groups(person(45), household, TODAY) == ["hard_to_employ_4050", "zero_employment_family"]


def test_no_zero_employment_with_an_employed_spouse() -> None:
    assert priority_groups(person(45), [member("spouse", 47, "employed")], TODAY) == ["hard_to_employ_4050"]


def test_living_alone_out_of_work_is_a_zero_employment_family() -> None:
    assert priority_groups(person(30), [], TODAY) == ["zero_employment_family"]


def test_retired_parent_student_and_child_count_neither_way() -> None:
    household = [
        member("parent", 58, "retired"),  # of working age but retired
        member("grandparent", 82, "employed"),  # past working age, whatever the record says
        member("daughter", 19, "student"),
        member("son", 12, "employed"),  # a child, whatever the record says
    ]
    assert priority_groups(person(35), household, TODAY) == ["zero_employment_family"]


def test_a_household_of_retirees_and_students_alone_is_not_zero_employment() -> None:
    household = [member("parent", 58, "retired"), member("son", 19, "student")]
    assert priority_groups(person(70, work="retired"), household, TODAY) == []


def test_a_retiree_belongs_to_a_zero_employment_family_through_an_unemployed_son() -> None:
    assert priority_groups(person(70, work="retired"), [member("son", 35, "unemployed")], TODAY) == [
        "zero_employment_family"
    ]


def test_moved_out_and_deceased_members_are_ignored() -> None:
    household = [member("brother", 40, "employed", status="moved_out"), member("father", 55, "employed", "deceased")]
    assert priority_groups(person(30), household, TODAY) == ["zero_employment_family"]


def test_the_person_own_facts_win_over_their_member_record() -> None:
    stale = member("me", 45, "employed")  # the household list may include the person, possibly stale
    assert priority_groups(person(45), [stale], TODAY) == ["hard_to_employ_4050", "zero_employment_family"]


def test_an_inactive_resident_is_in_no_group() -> None:
    assert priority_groups(person(45, status="moved_out", disabled=True), [], TODAY) == []


def test_every_group_at_once_in_order() -> None:
    assert priority_groups(person(20, disabled=True), [member("father", 50, "unemployed")], TODAY) == [
        "zero_employment_family", "disabled", "youth",
    ]
