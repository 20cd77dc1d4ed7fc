"""Who is a job seeker (求职人员) and which priority groups (重点帮扶人群) they belong to."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pydantic import BaseModel, ConfigDict

from linli_shared.domain.ages import age_on
from linli_shared.domain.groups import GroupRules

from linli_employment.domain.vocabulary import Gender, PriorityGroup

OUT_OF_WORK = frozenset({"unemployed", "laid_off"})  # 失业 / 下岗
WORKING_AGE = (16, 59)  # inclusive completed years: 16 ≤ age < 60
YOUTH_AGE = (16, 24)  # 待业青年
_DEFAULT_RULES = GroupRules()


class _Facts(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class HouseholdMember(_Facts):
    resident_id: str
    gender: Gender
    birth_date: date
    employment_status: str | None
    status: str = "active"


class SeekerFacts(_Facts):
    resident_id: str
    gender: Gender
    birth_date: date
    employment_status: str | None
    disabled: bool = False
    status: str = "active"


def is_job_seeker(person: SeekerFacts) -> bool:
    """Every active resident out of work gets a seeker record, intentions or not."""
    return person.status == "active" and person.employment_status in OUT_OF_WORK


def priority_groups(
    person: SeekerFacts,
    household: Iterable[HouseholdMember],
    today: date,
    rules: GroupRules = _DEFAULT_RULES,
) -> list[PriorityGroup]:
    """The person's priority groups on `today`, in PriorityGroup order.

    `household` may or may not include the person; the person's own facts win over their member record.
    A resident who has moved out or died is in no group.
    """
    if person.status != "active":
        return []
    age = age_on(person.birth_date, today)
    out_of_work = person.employment_status in OUT_OF_WORK
    bounds = rules.hard_to_employ_female if person.gender == "female" else rules.hard_to_employ_male
    housemates = [m for m in household if m.resident_id != person.resident_id]
    membership: dict[PriorityGroup, bool] = {
        "hard_to_employ_4050": out_of_work and _within(age, bounds),
        "zero_employment_family": _zero_employment(person, housemates, today),
        "disabled": person.disabled,
        "youth": out_of_work and _within(age, YOUTH_AGE),
    }
    return [group for group, member in membership.items() if member]


def _zero_employment(person: SeekerFacts, housemates: list[HouseholdMember], today: date) -> bool:
    # 零就业家庭: someone of working age is out of work and nobody of working age is employed.
    # Retirees, students and others of working age (and children, the elderly) count neither way.
    statuses = [m.employment_status for m in housemates if m.status == "active" and _working_age(m, today)]
    if _working_age(person, today):
        statuses.append(person.employment_status)
    return "employed" not in statuses and any(status in OUT_OF_WORK for status in statuses)


def _working_age(person: SeekerFacts | HouseholdMember, today: date) -> bool:
    return _within(age_on(person.birth_date, today), WORKING_AGE)


def _within(age: int, bounds: tuple[int, int]) -> bool:
    return bounds[0] <= age <= bounds[1]
