"""Derived groups (重点人群 and the like): computed from facts, never typed in."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator

from linli_shared.domain.ages import age_on

Gender = Literal["male", "female"]
EmploymentStatus = Literal["employed", "retired", "unemployed", "laid_off", "student", "preschool", "other"]
AgeRange = tuple[int, int]  # inclusive completed years

# Public API: statistics keys and `group=` filter names, in display order.
GROUPS = (
    "residents", "households", "elderly_60", "elderly_80", "empty_nest_households",
    "living_alone_elderly", "unemployed", "hard_to_employ_4050", "low_income_households",
    "low_income_residents", "disabled", "retired_cadres", "special_care", "volunteers",
    "party_members", "children_under_6", "childbearing_age_women", "temporary_residents",
)
# Members of these are household ids; members of all other groups are resident ids.
HOUSEHOLD_GROUPS = frozenset({"households", "empty_nest_households", "low_income_households"})

_OUT_OF_WORK = frozenset({"unemployed", "laid_off"})  # 下岗失业


class _Facts(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Period(_Facts):
    start: date | None  # None: since before records began (a ledger's value with no known start)
    end: date | None = None  # exclusive; None while still running

    def active_on(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


def _member_on(periods: tuple[Period, ...], flag: bool, day: date) -> bool:
    # Records without history (e.g. built from events) only know today's flag.
    return any(period.active_on(day) for period in periods) if periods else flag


class PersonFacts(_Facts):
    """What the rules need to know of one resident."""

    resident_id: str
    household_id: str | None
    gender: Gender
    birth_date: date
    employment_status: EmploymentStatus | None = None
    residence_type: Literal["registered", "resident_nonlocal", "temporary"] = "registered"
    status: Literal["active", "moved_out", "deceased"] = "active"
    left_on: date | None = None  # moved out / died; before that day the person still counts
    disabled: bool = False  # holds a 残疾人证 today
    retired_cadre: bool = False  # 离退休干部
    special_care: bool = False  # 重点监护对象 of any category today
    # Retired cadre, volunteer and party member stay plain flags: none has a validity period in the
    # ledgers (a cadre's retirement and a party membership last for life; volunteering is a standing
    # willingness), so dating them would record data entry, not fact. Leaving is `left_on`.
    volunteer: bool = False
    party_member: bool = False
    disability_periods: tuple[Period, ...] = ()  # when known, these decide `disabled` on any date
    special_care_periods: tuple[Period, ...] = ()  # of every category

    def disabled_on(self, day: date) -> bool:
        return _member_on(self.disability_periods, self.disabled, day)

    def special_care_on(self, day: date) -> bool:
        return _member_on(self.special_care_periods, self.special_care, day)


class HouseholdFacts(_Facts):
    household_id: str
    low_income_periods: tuple[Period, ...] = ()  # 低保 entitlement

    def low_income_on(self, day: date) -> bool:
        return any(period.active_on(day) for period in self.low_income_periods)


class GroupRules(_Facts):
    """Per-deployment bounds; the defaults are the usual national ones."""

    elderly_age: int = 60
    very_elderly_age: int = 80
    child_under_age: int = 6
    childbearing_female: AgeRange = (15, 49)
    hard_to_employ_female: AgeRange = (40, 49)  # 4050 人员
    hard_to_employ_male: AgeRange = (50, 59)

    @model_validator(mode="after")
    def _ranges_ascend(self) -> GroupRules:
        # A reversed range would silently empty a group; refuse the configuration.
        for low, high in (self.childbearing_female, self.hard_to_employ_female, self.hard_to_employ_male):
            if low > high:
                raise ValueError(f"age range ({low}, {high}) is reversed")
        return self


DEFAULT_RULES = GroupRules()


def counts_on(person: PersonFacts, as_of: date) -> bool:
    """Whether the person is one of the community's residents on `as_of`."""
    if person.birth_date > as_of:  # not born yet: a past as-of date
        return False
    return person.status == "active" or (person.left_on is not None and as_of < person.left_on)


def group_members(
    persons: Iterable[PersonFacts],
    households: Iterable[HouseholdFacts],
    as_of: date,
    rules: GroupRules = DEFAULT_RULES,
) -> dict[str, set[str]]:
    """Member ids of every group on `as_of`: household ids for HOUSEHOLD_GROUPS."""
    counted = [(p, age_on(p.birth_date, as_of)) for p in persons if counts_on(p, as_of)]
    ages_by_household: dict[str, list[int]] = defaultdict(list)
    for person, age in counted:
        if person.household_id is not None:
            ages_by_household[person.household_id].append(age)
    low_income = {h.household_id for h in households if h.low_income_on(as_of)} & ages_by_household.keys()

    members: dict[str, set[str]] = {name: set() for name in GROUPS}
    members["households"] = set(ages_by_household)
    members["empty_nest_households"] = {
        hid for hid, ages in ages_by_household.items() if min(ages) >= rules.elderly_age
    }
    members["low_income_households"] = low_income
    for person, age in counted:
        hid = person.household_id
        alone = hid is not None and len(ages_by_household[hid]) == 1
        for name in _resident_group_names(person, age, as_of, alone, hid in low_income, rules):
            members[name].add(person.resident_id)
    return members


def group_counts(
    persons: Iterable[PersonFacts],
    households: Iterable[HouseholdFacts],
    as_of: date,
    rules: GroupRules = DEFAULT_RULES,
) -> dict[str, int]:
    """Size of every group, in GROUPS order; a street's figure is the sum of its communities'."""
    members = group_members(persons, households, as_of, rules)
    return {name: len(members[name]) for name in GROUPS}


def resident_groups(
    person: PersonFacts,
    household_members: Iterable[PersonFacts],
    household: HouseholdFacts | None,
    as_of: date,
    rules: GroupRules = DEFAULT_RULES,
) -> list[str]:
    """The resident groups of one person on `as_of`, in GROUPS order.

    `household_members` may or may not include the person themself.
    """
    if not counts_on(person, as_of):
        return []
    in_household = person.household_id is not None
    housemates = {
        m.resident_id for m in household_members
        if m.resident_id != person.resident_id and counts_on(m, as_of)
    }
    low_income = in_household and household is not None and household.low_income_on(as_of)
    alone = in_household and not housemates
    return _resident_group_names(person, age_on(person.birth_date, as_of), as_of, alone, low_income, rules)


def _resident_group_names(
    person: PersonFacts, age: int, as_of: date, alone: bool, low_income: bool, rules: GroupRules
) -> list[str]:
    # Shared by group_members and resident_groups so the two can never disagree.
    out_of_work = person.employment_status in _OUT_OF_WORK
    female = person.gender == "female"
    hard_to_employ = rules.hard_to_employ_female if female else rules.hard_to_employ_male
    membership = {  # written in GROUPS order
        "residents": True,
        "elderly_60": age >= rules.elderly_age,
        "elderly_80": age >= rules.very_elderly_age,
        "living_alone_elderly": alone and age >= rules.elderly_age,  # 独居老人
        "unemployed": out_of_work,
        "hard_to_employ_4050": out_of_work and _within(age, hard_to_employ),
        "low_income_residents": low_income,  # 低保对象
        "disabled": person.disabled_on(as_of),
        "retired_cadres": person.retired_cadre,
        "special_care": person.special_care_on(as_of),
        "volunteers": person.volunteer,
        "party_members": person.party_member,
        "children_under_6": age < rules.child_under_age,
        "childbearing_age_women": female and _within(age, rules.childbearing_female),  # 育龄妇女
        "temporary_residents": person.residence_type == "temporary",
    }
    return [name for name, member in membership.items() if member]


def _within(age: int, bounds: AgeRange) -> bool:
    return bounds[0] <= age <= bounds[1]


def _day(value: Any) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def _periods(records: Iterable[Mapping[str, Any]]) -> tuple[Period, ...]:
    return tuple(Period(start=_day(r.get("start")), end=_day(r.get("end"))) for r in records)


def person_facts_from(record: Mapping[str, Any]) -> PersonFacts:
    """A resident as the registry stores and publishes it (ISO dates; flags as objects) → the rules' facts.

    The registry's documents also carry `memberships: [{kind, start, end, ...}]` (disability and
    special-care periods); events do not, and then today's flags decide every date.
    """
    memberships = record.get("memberships") or ()
    return PersonFacts(
        resident_id=record.get("resident_id") or record["_id"], household_id=record.get("household_id"),
        gender=record["gender"], birth_date=date.fromisoformat(str(record["birth_date"])),
        employment_status=record.get("employment_status"),
        residence_type=record.get("residence_type") or "registered", status=record.get("status", "active"),
        left_on=date.fromisoformat(str(record["left_on"])) if record.get("left_on") else None,
        disabled=bool(record.get("disability")), retired_cadre=bool(record.get("retired_cadre")),
        special_care=bool(record.get("special_care")), volunteer=bool(record.get("volunteer")),
        party_member=bool(record.get("party_member")),
        disability_periods=_periods(m for m in memberships if m.get("kind") == "disability"),
        special_care_periods=_periods(m for m in memberships if m.get("kind") == "special_care"),
    )


def household_facts_from(record: Mapping[str, Any]) -> HouseholdFacts:
    """A household record with `low_income_periods: [{start, end}]` (ISO dates) → the rules' facts."""
    return HouseholdFacts(household_id=record.get("household_id") or record["_id"],
                          low_income_periods=_periods(record.get("low_income_periods") or ()))
