from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

import pytest
from pydantic import ValidationError

from linli_shared.domain.groups import (
    GROUPS,
    HOUSEHOLD_GROUPS,
    GroupRules,
    HouseholdFacts,
    Period,
    PersonFacts,
    counts_on,
    group_counts,
    group_members,
    resident_groups,
)

AS_OF = date(2024, 6, 15)
OPEN_LOW_INCOME = (Period(start=date(2020, 1, 1)),)


def person(rid: str, age: int | None = None, *, hh: str | None = "h1", gender: str = "male",
           born: date | None = None, **facts: object) -> PersonFacts:
    birth = born or date(AS_OF.year - age, 1, 1)  # exactly `age` on AS_OF
    return PersonFacts(resident_id=rid, household_id=hh, gender=gender, birth_date=birth, **facts)


def groups_of(who: PersonFacts, as_of: date = AS_OF) -> set[str]:
    members = group_members([who], [], as_of)
    return {name for name in GROUPS if who.resident_id in members[name]}


def test_household_groups() -> None:  # test_seed_community_counts pins every name and the order
    assert HOUSEHOLD_GROUPS == {"households", "empty_nest_households", "low_income_households"}


@pytest.mark.parametrize(
    ("group", "gender", "age", "member"),
    [
        ("elderly_60", "male", 59, False), ("elderly_60", "female", 60, True),
        ("elderly_80", "male", 79, False), ("elderly_80", "male", 80, True),
        ("children_under_6", "male", 5, True), ("children_under_6", "female", 6, False),
        ("childbearing_age_women", "female", 14, False), ("childbearing_age_women", "female", 15, True),
        ("childbearing_age_women", "female", 49, True), ("childbearing_age_women", "female", 50, False),
        ("childbearing_age_women", "male", 30, False),
    ],
)
def test_age_boundaries(group: str, gender: str, age: int, member: bool) -> None:
    assert (group in groups_of(person("r1", age, gender=gender))) is member


@pytest.mark.parametrize(
    ("gender", "age", "employment", "member"),
    [
        ("female", 39, "unemployed", False), ("female", 40, "unemployed", True),
        ("female", 49, "laid_off", True), ("female", 50, "laid_off", False),
        ("male", 49, "unemployed", False), ("male", 50, "laid_off", True),
        ("male", 59, "unemployed", True), ("male", 60, "laid_off", False),
        ("female", 45, "employed", False), ("male", 55, "retired", False), ("male", 55, None, False),
    ],
)
def test_hard_to_employ_4050(gender: str, age: int, employment: str | None, member: bool) -> None:
    who = person("r1", age, gender=gender, employment_status=employment)
    assert ("hard_to_employ_4050" in groups_of(who)) is member


@pytest.mark.parametrize(
    ("born", "gender", "employment", "as_of", "group", "member"),
    [   # Born 29 February: a year older on 1 March in common years, on 29 February in leap years.
        (date(1964, 2, 29), "male", "unemployed", date(2014, 2, 28), "hard_to_employ_4050", False),
        (date(1964, 2, 29), "male", "unemployed", date(2014, 3, 1), "hard_to_employ_4050", True),
        (date(1976, 2, 29), "female", "laid_off", date(2026, 2, 28), "hard_to_employ_4050", True),
        (date(1976, 2, 29), "female", "laid_off", date(2026, 3, 1), "hard_to_employ_4050", False),
        (date(1964, 2, 29), "male", None, date(2024, 2, 28), "elderly_60", False),
        (date(1964, 2, 29), "male", None, date(2024, 2, 29), "elderly_60", True),
    ],
)
def test_29_february_birthdays(
    born: date, gender: str, employment: str | None, as_of: date, group: str, member: bool
) -> None:
    who = person("r1", born=born, gender=gender, employment_status=employment)
    assert (group in groups_of(who, as_of)) is member


@pytest.mark.parametrize(
    ("employment", "member"),
    [("unemployed", True), ("laid_off", True), ("employed", False), ("retired", False),
     ("student", False), ("preschool", False), ("other", False), (None, False)],
)
def test_unemployed(employment: str | None, member: bool) -> None:
    assert ("unemployed" in groups_of(person("r1", 30, employment_status=employment))) is member


@pytest.mark.parametrize(
    ("facts", "groups"),
    [({}, set()), ({"disabled": True}, {"disabled"}), ({"retired_cadre": True}, {"retired_cadres"}),
     ({"special_care": True}, {"special_care"}), ({"volunteer": True}, {"volunteers"}),
     ({"party_member": True}, {"party_members"}), ({"residence_type": "temporary"}, {"temporary_residents"}),
     ({"residence_type": "resident_nonlocal"}, set())],
)
def test_flags_and_residence_type(facts: dict, groups: set[str]) -> None:
    assert groups_of(person("r1", 30, **facts)) == {"residents"} | groups


@pytest.mark.parametrize(
    ("who", "as_of", "counted"),
    [
        (person("r1", 30), AS_OF, True),
        (person("r1", 30, status="deceased", left_on=date(2024, 3, 1)), date(2024, 2, 29), True),
        (person("r1", 30, status="deceased", left_on=date(2024, 3, 1)), date(2024, 3, 1), False),
        (person("r1", 30, status="moved_out", left_on=date(2024, 3, 1)), date(2024, 3, 2), False),
        (person("r1", 30, status="moved_out"), AS_OF, False),
        (person("r1", born=date(2024, 6, 16)), AS_OF, False),  # not born yet
    ],
)
def test_counts_on(who: PersonFacts, as_of: date, counted: bool) -> None:
    assert counts_on(who, as_of) is counted
    assert (who.resident_id in group_members([who], [], as_of)["residents"]) is counted


@pytest.mark.parametrize(
    ("household", "empty_nest", "living_alone"),
    [
        ([person("a", 65), person("b", 62, gender="female")], {"h1"}, set()),
        ([person("a", 65)], {"h1"}, {"a"}),
        ([person("a", 65), person("b", 30)], set(), set()),
        ([person("a", 65), person("b", 30, status="moved_out", left_on=date(2024, 1, 1))], {"h1"}, {"a"}),
        ([person("a", 65), person("b", 30, status="moved_out", left_on=date(2024, 7, 1))], set(), set()),
        ([person("a", 59), person("b", 60)], set(), set()),
        ([person("a", 70, hh=None)], set(), set()),  # household unknown
    ],
)
def test_empty_nest_and_living_alone(household: list[PersonFacts], empty_nest: set, living_alone: set) -> None:
    members = group_members(household, [], AS_OF)
    assert (members["empty_nest_households"], members["living_alone_elderly"]) == (empty_nest, living_alone)


@pytest.mark.parametrize(
    ("periods", "low_income"),
    [
        ((Period(start=date(2020, 1, 1)),), True),
        ((Period(start=date(2020, 1, 1), end=date(2024, 1, 1)),), False),  # ended
        ((Period(start=date(2020, 1, 1), end=AS_OF),), False),  # ends that day
        ((Period(start=AS_OF, end=date(2025, 1, 1)),), True),  # starts that day
        ((Period(start=date(2024, 7, 1)),), False),  # future
        ((Period(start=date(2019, 1, 1), end=date(2020, 1, 1)), Period(start=date(2023, 1, 1))), True),
        ((), False),
    ],
)
def test_low_income_periods(periods: tuple[Period, ...], low_income: bool) -> None:
    household = [person("a", 40), person("b", 10), person("c", 70, status="moved_out", left_on=date(2024, 1, 1))]
    members = group_members(household, [HouseholdFacts(household_id="h1", low_income_periods=periods)], AS_OF)
    assert members["low_income_households"] == ({"h1"} if low_income else set())
    assert members["low_income_residents"] == ({"a", "b"} if low_income else set())


def test_low_income_needs_a_counted_member_and_known_household() -> None:
    persons = [person("a", 40, hh="h1", status="moved_out", left_on=date(2024, 1, 1)), person("b", 40, hh="h2")]
    households = [HouseholdFacts(household_id=h, low_income_periods=OPEN_LOW_INCOME) for h in ("h1", "h3")]
    members = group_members(persons, households, AS_OF)
    assert (members["low_income_households"], members["low_income_residents"]) == (set(), set())


def test_resident_groups_lists_one_persons_groups_in_order() -> None:
    grandma = person("a", 82, gender="female", disabled=True, volunteer=True)
    household = HouseholdFacts(household_id="h1", low_income_periods=OPEN_LOW_INCOME)
    assert resident_groups(grandma, [grandma], household, AS_OF) == [
        "residents", "elderly_60", "elderly_80", "living_alone_elderly",
        "low_income_residents", "disabled", "volunteers",
    ]
    assert resident_groups(grandma, [person("b", 30)], None, AS_OF) == [
        "residents", "elderly_60", "elderly_80", "disabled", "volunteers",
    ]
    assert resident_groups(person("c", 82, hh=None), [], household, AS_OF) == ["residents", "elderly_60", "elderly_80"]
    deceased = person("d", 82, status="deceased", left_on=date(2024, 1, 1))
    assert resident_groups(deceased, [deceased], household, AS_OF) == []


def test_rules_are_configurable() -> None:
    rules = GroupRules(elderly_age=65, childbearing_female=(18, 45))
    members = group_members([person("a", 64), person("b", 16, hh="h2", gender="female")], [], AS_OF, rules)
    assert members["elderly_60"] == members["empty_nest_households"] == members["childbearing_age_women"] == set()
    with pytest.raises(ValidationError, match=r"age range \(50, 40\) is reversed"):
        GroupRules(hard_to_employ_male=(50, 40))


def seed_community() -> tuple[list[PersonFacts], list[HouseholdFacts]]:
    out_of_work = {"employment_status": "unemployed"}
    persons = [
        person("p1", 82, hh="h1"), person("p2", 78, hh="h1", gender="female"),
        person("p3", 85, hh="h2", gender="female", disabled=True),
        person("p4", 62, hh="h3", retired_cadre=True, party_member=True),
        person("p5", 45, hh="h3", gender="female", **out_of_work), person("p6", 5, hh="h3"),
        person("p7", 52, hh="h4", employment_status="laid_off"), person("p9", 20, hh="h4", gender="female"),
        person("p8", 48, hh="h4", gender="female", employment_status="employed", volunteer=True),
        person("p10", 70, hh="h5", special_care=True),
        person("p11", 30, hh="h5", status="moved_out", left_on=date(2023, 9, 1)),
        person("p12", 72, hh="h5", gender="female", status="deceased", left_on=date(2024, 1, 10)),
        person("p13", 28, hh="h6", residence_type="temporary", **out_of_work),
        person("p14", 26, hh="h6", gender="female", residence_type="temporary"),
        person("p15", 61, hh="h7", employment_status="laid_off"), person("p17", 35, hh="h7", employment_status="other"),
        person("p16", 58, hh="h7", gender="female", employment_status="laid_off"),
        person("p18", 90, hh="h8", gender="female", status="moved_out", left_on=date(2024, 8, 1)),
        person("p19", 66, hh=None, volunteer=True, party_member=True),
    ]
    households = [
        HouseholdFacts(household_id="h2", low_income_periods=OPEN_LOW_INCOME),
        HouseholdFacts(household_id="h4", low_income_periods=(Period(start=date(2021, 1, 1), end=date(2024, 1, 1)),)),
    ]
    return persons, households


def test_seed_community_counts() -> None:
    assert list(group_counts(*seed_community(), AS_OF).items()) == [
        ("residents", 17), ("households", 8), ("elderly_60", 8), ("elderly_80", 3),
        ("empty_nest_households", 4), ("living_alone_elderly", 3), ("unemployed", 5),
        ("hard_to_employ_4050", 2), ("low_income_households", 1), ("low_income_residents", 1),
        ("disabled", 1), ("retired_cadres", 1), ("special_care", 1), ("volunteers", 2),
        ("party_members", 2), ("children_under_6", 1), ("childbearing_age_women", 4), ("temporary_residents", 2),
    ]


def generated_population(seed: int, prefix: str) -> tuple[list[PersonFacts], list[HouseholdFacts]]:
    rng = random.Random(seed)
    households = [f"{prefix}h{n}" for n in range(150)]
    persons = []
    for n in range(600):
        status = rng.choice(["active", "active", "active", "moved_out", "deceased"])
        persons.append(PersonFacts(
            resident_id=f"{prefix}r{n}", household_id=None if rng.random() < 0.05 else rng.choice(households),
            gender=rng.choice(["male", "female"]), birth_date=AS_OF - timedelta(days=rng.randint(-60, 36_000)),
            employment_status=rng.choice([None, "employed", "unemployed", "laid_off", "retired"]),
            residence_type=rng.choice(["registered", "resident_nonlocal", "temporary"]), status=status,
            left_on=None if status == "active" else AS_OF + timedelta(days=rng.randint(-5, 5)),
            disabled=rng.random() < 0.1, retired_cadre=rng.random() < 0.1, special_care=rng.random() < 0.1,
            volunteer=rng.random() < 0.1, party_member=rng.random() < 0.1,
        ))
    facts = [HouseholdFacts(household_id=h, low_income_periods=(
        Period(start=AS_OF + timedelta(days=rng.randint(-900, 30)), end=rng.choice([None, AS_OF, date(2025, 1, 1)])),
    )) for h in households if rng.random() < 0.8]
    return persons, facts


def test_resident_groups_agrees_with_group_members() -> None:
    persons, households = generated_population(7, "")
    members = group_members(persons, households, AS_OF)
    assert all(members[name] for name in GROUPS)  # the population exercises every group
    by_household: dict[str | None, list[PersonFacts]] = defaultdict(list)
    for p in persons:
        by_household[p.household_id].append(p)
    facts = {h.household_id: h for h in households}
    for n, p in enumerate(persons):
        # Half the calls list the person among their own household members, half do not.
        housemates = [m for m in by_household[p.household_id] if p.household_id and (m is not p or n % 2)]
        expected = [name for name in GROUPS if name not in HOUSEHOLD_GROUPS and p.resident_id in members[name]]
        assert resident_groups(p, housemates, facts.get(p.household_id), AS_OF) == expected, p


def test_a_street_is_the_sum_of_its_communities() -> None:
    first, second = generated_population(1, "a-"), generated_population(2, "b-")
    street = group_counts(first[0] + second[0], first[1] + second[1], AS_OF)
    one, other = group_counts(*first, AS_OF), group_counts(*second, AS_OF)
    assert street == {name: one[name] + other[name] for name in GROUPS}
