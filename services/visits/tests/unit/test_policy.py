from __future__ import annotations

import pytest
from pydantic import ValidationError

from linli_visits.domain.policy import (
    CADENCE_GROUPS,
    Cadence,
    MandatoryEvent,
    VisitPolicy,
    default_policy,
    gets_mandatory_visits,
    mandatory_window_days,
    routine_cadence,
)

LIVING_ALONE_80 = ["residents", "elderly_60", "elderly_80", "living_alone_elderly"]
LIVING_ALONE_70 = ["residents", "elderly_60", "living_alone_elderly"]
ORDINARY_40 = ["residents"]


def test_default_cadences_are_the_guide_defaults() -> None:
    assert [(c.group, c.every_days) for c in default_policy().cadences] == [
        ("living_alone_elderly_80", 7),
        ("living_alone_elderly", 14),
        ("empty_nest_households", 30),
        ("special_care", 30),
        ("low_income_households", 90),
        ("retired_cadres", 90),
    ]


def test_default_windows_and_groups() -> None:
    assert default_policy().model_dump(exclude={"cadences"}) == {
        "mandatory_groups": ["retired_cadres", "elderly_80"],
        "hospitalized_days": 3,
        "major_event_days": 3,
        "special_situation_days": 2,
        "birthday_days_either_side": 3,
        "birthday_notice_days": 14,
        "follow_up_days": 30,
        "festival_days_before": 7,
        "festival_days_after": 3,
    }


def test_every_cadence_group_can_be_set() -> None:
    policy = VisitPolicy(cadences=[Cadence(group=name, every_days=10) for name in CADENCE_GROUPS])
    assert [c.group for c in policy.cadences] == list(CADENCE_GROUPS)


@pytest.mark.parametrize("days", [0, -7, 367])
def test_cadence_out_of_range_is_rejected(days: int) -> None:
    with pytest.raises(ValidationError, match="every_days"):
        Cadence(group="special_care", every_days=days)


@pytest.mark.parametrize("days", [1, 366])
def test_cadence_bounds_are_inclusive(days: int) -> None:
    assert Cadence(group="special_care", every_days=days).every_days == days


@pytest.mark.parametrize("name", ["elderly_80", "living_alone", "disabled"])
def test_cadence_for_unknown_group_is_rejected(name: str) -> None:
    with pytest.raises(ValidationError, match=f"no routine cadence can be set for group '{name}'"):
        VisitPolicy(cadences=[Cadence(group=name, every_days=30)])


def test_duplicate_cadence_is_rejected() -> None:
    cadences = [Cadence(group="special_care", every_days=30), Cadence(group="special_care", every_days=60)]
    with pytest.raises(ValidationError, match="cadence given more than once: special_care"):
        VisitPolicy(cadences=cadences)


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["elderly_90"], "unknown group 'elderly_90'"),
        (["living_alone_elderly_80"], "unknown group 'living_alone_elderly_80'"),
        (["empty_nest_households"], "'empty_nest_households' is a household group"),
        (["elderly_80", "elderly_80"], "mandatory group given more than once: elderly_80"),
    ],
)
def test_bad_mandatory_groups_are_rejected(names: list[str], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        VisitPolicy(mandatory_groups=names)


@pytest.mark.parametrize(
    ("field", "value"),
    [("hospitalized_days", -1), ("hospitalized_days", 31), ("birthday_days_either_side", 16),
     ("birthday_notice_days", 61), ("follow_up_days", 0), ("festival_days_after", 31)],
)
def test_windows_out_of_range_are_rejected(field: str, value: int) -> None:
    with pytest.raises(ValidationError, match=field):
        VisitPolicy.model_validate({field: value})


def test_unknown_setting_is_rejected() -> None:
    with pytest.raises(ValidationError, match="extra_forbidden"):
        VisitPolicy.model_validate({"birthday_days": 3})


@pytest.mark.parametrize(
    ("groups", "expected"),
    [
        (LIVING_ALONE_80, 7),
        (LIVING_ALONE_70, 14),
        (["empty_nest_households"], 30),
        (["residents", "elderly_60", "special_care"], 30),
        (["low_income_households", "low_income_residents"], 90),
        (["residents", "retired_cadres", "special_care"], 30),
        (["residents", "elderly_60", "elderly_80"], None),  # 80+ but not alone: no routine cadence
        (ORDINARY_40, None),
        ([], None),
    ],
)
def test_routine_cadence_picks_most_frequent(groups: list[str], expected: int | None) -> None:
    assert routine_cadence(default_policy(), groups) == expected


def test_routine_cadence_follows_an_edited_policy() -> None:
    policy = VisitPolicy(cadences=[Cadence(group="living_alone_elderly", every_days=10)])
    assert routine_cadence(policy, LIVING_ALONE_80) == 10
    assert routine_cadence(policy, ["empty_nest_households"]) is None


def test_routine_cadence_accepts_any_iterable() -> None:
    assert routine_cadence(default_policy(), iter(LIVING_ALONE_80)) == 7


@pytest.mark.parametrize(
    ("groups", "expected"),
    [
        (LIVING_ALONE_80, True),
        (["residents", "elderly_60", "retired_cadres"], True),
        (LIVING_ALONE_70, False),
        (ORDINARY_40, False),
    ],
)
def test_gets_mandatory_visits_by_default(groups: list[str], expected: bool) -> None:
    assert gets_mandatory_visits(default_policy(), groups) is expected


def test_gets_mandatory_visits_follows_an_edited_policy() -> None:
    policy = VisitPolicy(mandatory_groups=["disabled"])
    assert gets_mandatory_visits(policy, ["residents", "disabled"]) is True
    assert gets_mandatory_visits(policy, LIVING_ALONE_80) is False


@pytest.mark.parametrize(
    ("reason", "expected"), [("hospitalized", 3), ("major_event", 3), ("special_situation", 2)]
)
def test_mandatory_window_days(reason: MandatoryEvent, expected: int) -> None:
    assert mandatory_window_days(default_policy(), reason) == expected


def test_mandatory_window_days_follows_an_edited_policy() -> None:
    assert mandatory_window_days(VisitPolicy(special_situation_days=1), "special_situation") == 1


@pytest.mark.parametrize("reason", ["birthday", "routine"])
def test_mandatory_window_days_refuses_other_reasons(reason: str) -> None:
    with pytest.raises(ValueError, match=f"'{reason}' is not an event that calls for a mandatory visit"):
        mandatory_window_days(default_policy(), reason)


def test_policy_is_frozen() -> None:
    with pytest.raises(ValidationError, match="frozen"):
        default_policy().hospitalized_days = 5
