"""Matching (人岗匹配): seekers ranked for a posting, postings ranked for a seeker, each with its reasons.

Hard requirements filter; soft fits add up to a score out of 100. Ranking scores with plain tuples so that a
posting can be matched against a whole street's seekers at once; models are built only for the results returned.
"""
from __future__ import annotations

import heapq
from collections.abc import Iterable
from datetime import date
from typing import Annotated, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, model_validator

from linli_shared.domain.ages import age_on

from linli_employment.domain.vocabulary import (
    CATEGORY_LABELS,
    HOURS_LABELS,
    PRIORITY_GROUP_LABELS,
    Gender,
    Hours,
    JobCategory,
    PriorityGroup,
)

CommunityCode = Annotated[str, Field(pattern=r"^[0-9]{12}$")]  # 社区 code of the org tree
Yuan = Annotated[float, Field(ge=0, allow_inf_nan=False)]  # 元 per month

# Points of each soft fit; the maxima add up to 100.
CATEGORY_POINTS = 35
CATEGORY_UNREGISTERED_POINTS = 15  # unknown intentions rank below a matching category, above a mismatch
WAGE_FIT_POINTS = 20
WAGE_NEAR_POINTS = 10
HOURS_POINTS = 10
HOURS_UNREGISTERED_POINTS = 5
PREFERRED_SKILLS_POINTS = 15  # times the share of preferred skills held
SAME_COMMUNITY_POINTS = 10
SAME_STREET_POINTS = 6
SAME_DISTRICT_POINTS = 3
PRIORITY_POINTS = 10
OTHER_PRIORITY_POINTS = 4
# Org-tree codes: the first 6 digits name the district (区县), the first 9 the street (街道).
DISTRICT_DIGITS = 6
STREET_DIGITS = 9

# Reasons come in this order: confirmed fits first, then the points given for intentions not yet registered.
REASON_CODES = (
    "category.match", "wage.fit", "wage.near", "hours.match", "skills.preferred",
    "distance.same_community", "distance.same_street", "distance.same_district",
    "priority.4050", "priority.disabled", "priority.other", "category.unregistered", "hours.unregistered",
)
_REASON_RANK = {code: rank for rank, code in enumerate(REASON_CODES)}


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Requirement(_Model):
    """A gender or age limit of a posting, e.g. a live-in nanny for an elderly woman (住家保姆)."""

    gender: Gender | None = None
    min_age: int | None = Field(default=None, ge=0)
    max_age: int | None = Field(default=None, ge=0)
    reason: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _documented(self) -> Requirement:
        # Employment law forbids gender and age discrimination: a limit stands only with its stated reason.
        limited = self.gender is not None or self.min_age is not None or self.max_age is not None
        if limited and not (self.reason and self.reason.strip()):
            raise ValueError("a gender or age requirement needs a reason")
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            raise ValueError(f"min_age {self.min_age} is above max_age {self.max_age}")
        return self


class Posting(_Model):
    job_id: str
    community_code: CommunityCode
    category: JobCategory
    hours: Hours
    wage_min_cny: Yuan
    wage_max_cny: Yuan
    skills_required: list[str] = []
    skills_preferred: list[str] = []
    certificates_required: list[str] = []
    requirement: Requirement = Requirement()
    suits_4050: bool = False
    suits_disabled: bool = False
    guarantor_needed: bool = False  # 担保人: told to the seeker, not matched on

    @model_validator(mode="after")
    def _wage_range_ascends(self) -> Posting:
        if self.wage_max_cny < self.wage_min_cny:
            raise ValueError(f"wage_max_cny {self.wage_max_cny} is below wage_min_cny {self.wage_min_cny}")
        return self


class SeekerProfile(_Model):
    seeker_id: str
    community_code: CommunityCode
    gender: Gender
    birth_date: date
    categories: list[JobCategory] = []  # empty: intentions not registered yet (意向未登记)
    hours: list[Hours] = []
    min_monthly_wage_cny: Yuan | None = None
    skills: list[str] = []
    certificates: list[str] = []
    priority_groups: list[PriorityGroup] = []


class Reason(_Model):
    code: str  # one of REASON_CODES
    text: str  # Chinese, for the committee worker


class Match(_Model):
    seeker_id: str
    job_id: str
    score: float = Field(ge=0, le=100)
    reasons: list[Reason]


def match(seeker: SeekerProfile, posting: Posting, today: date) -> Match | None:
    """The seeker's fit for the posting on `today`; None when a hard requirement fails."""
    scored = _score(_job(posting), _person(seeker), today)
    return None if scored is None else _match(seeker.seeker_id, posting.job_id, scored)


def rank_seekers(posting: Posting, seekers: Iterable[SeekerProfile], today: date, limit: int = 50) -> list[Match]:
    """The best `limit` seekers for the posting: score descending, then seeker id ascending."""
    job = _job(posting)
    scored = ((seeker.seeker_id, _score(job, _person(seeker), today)) for seeker in seekers)
    return [_match(seeker_id, posting.job_id, result) for seeker_id, result in _top(scored, limit)]


def rank_postings(seeker: SeekerProfile, postings: Iterable[Posting], today: date, limit: int = 50) -> list[Match]:
    """The best `limit` postings for the seeker: score descending, then job id ascending."""
    person = _person(seeker)
    scored = ((posting.job_id, _score(_job(posting), person, today)) for posting in postings)
    return [_match(seeker.seeker_id, job_id, result) for job_id, result in _top(scored, limit)]


_Part = tuple[str, float, str]  # (reason code, points, reason text)


class _Scored(NamedTuple):
    score: float
    parts: list[_Part]


class _Job(NamedTuple):
    """A posting in the shapes the scorer reads, computed once per posting."""

    posting: Posting
    certificates: frozenset[str]
    skills_required: frozenset[str]
    skills_preferred: dict[str, str]  # normalized → as the posting writes it, in posting order
    category_text: str
    hours_text: str


class _Person(NamedTuple):
    profile: SeekerProfile
    skills: frozenset[str]
    certificates: frozenset[str]


def _job(posting: Posting) -> _Job:
    preferred: dict[str, str] = {}
    for skill in posting.skills_preferred:
        if key := _normal(skill):
            preferred.setdefault(key, skill.strip())
    return _Job(
        posting=posting,
        certificates=_normalized(posting.certificates_required),
        skills_required=_normalized(posting.skills_required),
        skills_preferred=preferred,
        category_text=f"意向工种相符：{CATEGORY_LABELS[posting.category]}",
        hours_text=f"工作时间相符：{HOURS_LABELS[posting.hours]}",
    )


def _person(seeker: SeekerProfile) -> _Person:
    return _Person(seeker, _normalized(seeker.skills), _normalized(seeker.certificates))


def _normal(name: str) -> str:
    # Skills and certificates are typed by hand: " Excel" and "excel" are the same skill.
    return name.strip().casefold()


def _normalized(names: Iterable[str]) -> frozenset[str]:
    return frozenset(key for key in map(_normal, names) if key)


def _score(job: _Job, person: _Person, today: date) -> _Scored | None:
    if not (job.certificates <= person.certificates and job.skills_required <= person.skills):
        return None
    if not _meets(job.posting.requirement, person.profile, today):
        return None
    parts = [
        part for part in (
            _category(job, person), _wage(job, person), _hours(job, person),
            _preferred_skills(job, person), _distance(job, person), _priority(job, person),
        ) if part is not None
    ]
    parts.sort(key=lambda part: _REASON_RANK[part[0]])
    return _Scored(round(sum(part[1] for part in parts), 1), parts)


def _meets(requirement: Requirement, seeker: SeekerProfile, today: date) -> bool:
    if requirement.gender is not None and seeker.gender != requirement.gender:
        return False
    if requirement.min_age is None and requirement.max_age is None:
        return True
    age = age_on(seeker.birth_date, today)
    return (requirement.min_age is None or age >= requirement.min_age) and (
        requirement.max_age is None or age <= requirement.max_age
    )


def _category(job: _Job, person: _Person) -> _Part | None:
    wanted = person.profile.categories
    if not wanted:
        return ("category.unregistered", CATEGORY_UNREGISTERED_POINTS, "意向工种未登记")
    if job.posting.category in wanted:
        return ("category.match", CATEGORY_POINTS, job.category_text)
    return None


def _wage(job: _Job, person: _Person) -> _Part | None:
    wanted = person.profile.min_monthly_wage_cny
    offered = job.posting.wage_max_cny
    if wanted is None:
        return ("wage.fit", WAGE_FIT_POINTS, "未登记最低工资期望")
    if offered >= wanted:
        return ("wage.fit", WAGE_FIT_POINTS, f"工资可达期望：最高{_yuan(offered)}元，期望不低于{_yuan(wanted)}元")
    # At least 90% of the wish, multiplied out so that 0.9's binary rounding cannot tip a boundary.
    if offered * 10 >= wanted * 9:
        return ("wage.near", WAGE_NEAR_POINTS, f"工资接近期望：最高{_yuan(offered)}元，期望不低于{_yuan(wanted)}元")
    return None


def _hours(job: _Job, person: _Person) -> _Part | None:
    wanted = person.profile.hours
    if not wanted:
        return ("hours.unregistered", HOURS_UNREGISTERED_POINTS, "工作时间意向未登记")
    if job.posting.hours in wanted:
        return ("hours.match", HOURS_POINTS, job.hours_text)
    return None


def _preferred_skills(job: _Job, person: _Person) -> _Part | None:
    preferred = job.skills_preferred
    held = [shown for key, shown in preferred.items() if key in person.skills]
    if not held:
        return None
    points = PREFERRED_SKILLS_POINTS * len(held) / len(preferred)
    return ("skills.preferred", points, f"具备优先技能：{'、'.join(held)}（{len(held)}/{len(preferred)}）")


def _distance(job: _Job, person: _Person) -> _Part | None:
    here, there = job.posting.community_code, person.profile.community_code
    if here == there:
        return ("distance.same_community", SAME_COMMUNITY_POINTS, "同一社区")
    if here[:STREET_DIGITS] == there[:STREET_DIGITS]:
        return ("distance.same_street", SAME_STREET_POINTS, "同一街道")
    if here[:DISTRICT_DIGITS] == there[:DISTRICT_DIGITS]:
        return ("distance.same_district", SAME_DISTRICT_POINTS, "同一区县")
    return None


def _priority(job: _Job, person: _Person) -> _Part | None:
    groups = person.profile.priority_groups
    if job.posting.suits_4050 and "hard_to_employ_4050" in groups:
        return ("priority.4050", PRIORITY_POINTS, "岗位适合4050人员")
    if job.posting.suits_disabled and "disabled" in groups:
        return ("priority.disabled", PRIORITY_POINTS, "岗位适合残疾人")
    if groups:
        labels = "、".join(PRIORITY_GROUP_LABELS[group] for group in groups)
        return ("priority.other", OTHER_PRIORITY_POINTS, f"重点帮扶对象：{labels}")
    return None


def _yuan(amount: float) -> str:
    return f"{amount:.2f}".rstrip("0").rstrip(".")


def _top(scored: Iterable[tuple[str, _Scored | None]], limit: int) -> list[tuple[str, _Scored]]:
    # Highest score first, then id ascending: the same data always gives the same list, in any input order.
    candidates = [(key, result) for key, result in scored if result is not None]
    return heapq.nsmallest(limit, candidates, key=lambda candidate: (-candidate[1].score, candidate[0]))


def _match(seeker_id: str, job_id: str, scored: _Scored) -> Match:
    reasons = [Reason(code=code, text=text) for code, _, text in scored.parts]
    return Match(seeker_id=seeker_id, job_id=job_id, score=scored.score, reasons=reasons)
