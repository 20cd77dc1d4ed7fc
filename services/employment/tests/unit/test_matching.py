from __future__ import annotations

import random
import re
from datetime import date

import pytest
from pydantic import ValidationError

from linli_employment.domain.matching import (
    Match,
    Posting,
    Reason,
    Requirement,
    SeekerProfile,
    match,
    rank_postings,
    rank_seekers,
)

TODAY = date(2025, 6, 15)
HOME = "130303001001"  # the posting's community


def born(age: int) -> date:
    """Birth date of someone who turns `age` today."""
    return TODAY.replace(year=TODAY.year - age)


def nanny_post(**changes: object) -> Posting:
    facts: dict[str, object] = {
        "job_id": "job-nanny", "community_code": HOME, "category": "domestic_help", "hours": "full_time",
        "wage_min_cny": 2500, "wage_max_cny": 3000, "skills_required": ["烹饪"], "skills_preferred": ["育婴", "保洁"],
        "certificates_required": ["健康证"], "suits_4050": True,
    }
    return Posting.model_validate(facts | changes)


def seeker(seeker_id: str, **changes: object) -> SeekerProfile:
    facts: dict[str, object] = {
        "seeker_id": seeker_id, "community_code": HOME, "gender": "female", "birth_date": born(45),
        "skills": ["烹饪"], "certificates": ["健康证"],
    }
    return SeekerProfile.model_validate(facts | changes)


def summary(matches: list[Match]) -> list[tuple[str, str, float, list[str]]]:
    return [(m.seeker_id, m.job_id, m.score, [reason.code for reason in m.reasons]) for m in matches]


WORKED_EXAMPLE = [
    seeker("s-04", categories=["catering"], hours=["full_time"], min_monthly_wage_cny=3500,
           skills=["烹饪", "保洁"], community_code="130304001001", priority_groups=["hard_to_employ_4050"]),
    seeker("s-05", categories=["domestic_help"], hours=["flexible"], min_monthly_wage_cny=4000,
           community_code="130303009009"),
    seeker("s-00", categories=["domestic_help"], hours=["full_time"], skills=["烹饪", "育婴", "保洁"],
           certificates=[], priority_groups=["hard_to_employ_4050"]),  # no 健康证: excluded
    seeker("s-03", hours=["part_time"], skills=[" 烹饪 "], certificates=[" 健康证"], community_code="130303002001"),
    seeker("s-02", categories=["cleaning", "domestic_help"], min_monthly_wage_cny=3200, skills=["烹饪", "育婴"],
           community_code="130303001002", priority_groups=["youth"]),
    seeker("s-01", categories=["domestic_help"], hours=["full_time"], min_monthly_wage_cny=2800,
           skills=["烹饪", "育婴", "保洁"], priority_groups=["hard_to_employ_4050"]),
]


def test_worked_example_ranks_seekers_for_a_nanny_post() -> None:
    assert summary(rank_seekers(nanny_post(), WORKED_EXAMPLE, TODAY)) == [
        ("s-01", "job-nanny", 100.0, ["category.match", "wage.fit", "hours.match", "skills.preferred",
                                      "distance.same_community", "priority.4050"]),
        ("s-02", "job-nanny", 67.5, ["category.match", "wage.near", "skills.preferred", "distance.same_street",
                                     "priority.other", "hours.unregistered"]),
        ("s-03", "job-nanny", 38.0, ["wage.fit", "distance.same_district", "category.unregistered"]),
        ("s-05", "job-nanny", 38.0, ["category.match", "distance.same_district"]),  # tie: id ascending
        ("s-04", "job-nanny", 27.5, ["hours.match", "skills.preferred", "priority.4050"]),
    ]


def test_worked_example_reasons_read_in_chinese() -> None:
    best, second, third = rank_seekers(nanny_post(), WORKED_EXAMPLE, TODAY, limit=3)
    assert best.reasons == [
        Reason(code="category.match", text="意向工种相符：家政/保姆"),
        Reason(code="wage.fit", text="工资可达期望：最高3000元，期望不低于2800元"),
        Reason(code="hours.match", text="工作时间相符：全职"),
        Reason(code="skills.preferred", text="具备优先技能：育婴、保洁（2/2）"),
        Reason(code="distance.same_community", text="同一社区"),
        Reason(code="priority.4050", text="岗位适合4050人员"),
    ]
    assert [reason.text for reason in second.reasons] == [
        "意向工种相符：家政/保姆", "工资接近期望：最高3000元，期望不低于3200元", "具备优先技能：育婴（1/2）",
        "同一街道", "重点帮扶对象：待业青年", "工作时间意向未登记",
    ]
    assert [reason.text for reason in third.reasons] == ["未登记最低工资期望", "同一区县", "意向工种未登记"]


def test_match_agrees_with_the_ranking() -> None:
    assert match(WORKED_EXAMPLE[-1], nanny_post(), TODAY) == rank_seekers(nanny_post(), WORKED_EXAMPLE, TODAY)[0]


def test_a_missing_certificate_excludes() -> None:
    assert match(WORKED_EXAMPLE[2], nanny_post(), TODAY) is None


def test_a_missing_required_skill_excludes() -> None:
    assert match(seeker("s-1", skills=["育婴"]), nanny_post(), TODAY) is None


def test_skills_compare_trimmed_and_case_insensitive() -> None:
    post = nanny_post(category="data_entry", skills_required=["Excel"], skills_preferred=["WPS", "五笔"],
                      certificates_required=[])
    found = match(seeker("s-1", skills=[" excel", "wps "], certificates=[]), post, TODAY)
    assert found is not None
    assert summary([found]) == [("s-1", "job-nanny", 57.5, [
        "wage.fit", "skills.preferred", "distance.same_community", "category.unregistered", "hours.unregistered",
    ])]
    assert found.reasons[1] == Reason(code="skills.preferred", text="具备优先技能：WPS（1/2）")


@pytest.mark.parametrize(
    ("minimum", "codes", "score"),
    [(None, ["wage.fit"], 20.0), (3000, ["wage.fit"], 20.0), (3333.33, ["wage.near"], 10.0), (3334, [], 0.0)],
)
def test_wage_fit_near_and_far(minimum: float | None, codes: list[str], score: float) -> None:
    post = nanny_post(skills_preferred=[], suits_4050=False, community_code="110101001001")
    person = seeker("s-1", categories=["catering"], hours=["part_time"], min_monthly_wage_cny=minimum)
    found = match(person, post, TODAY)
    assert found is not None
    assert (found.score, [reason.code for reason in found.reasons]) == (score, codes)


@pytest.mark.parametrize(
    ("suits", "groups", "code", "points"),
    [
        ({"suits_disabled": True}, ["disabled"], "priority.disabled", 10.0),
        ({"suits_disabled": True}, ["hard_to_employ_4050"], "priority.other", 4.0),
        ({"suits_4050": True}, ["zero_employment_family", "disabled"], "priority.other", 4.0),
        ({"suits_4050": True, "suits_disabled": True}, ["hard_to_employ_4050", "disabled"], "priority.4050", 10.0),
    ],
)
def test_priority_fit(suits: dict[str, bool], groups: list[str], code: str, points: float) -> None:
    post = nanny_post(**({"skills_preferred": [], "suits_4050": False, "community_code": "110101001001"} | suits))
    found = match(seeker("s-1", categories=["catering"], hours=["part_time"], min_monthly_wage_cny=9000,
                         priority_groups=groups), post, TODAY)
    assert found is not None
    assert (found.score, [reason.code for reason in found.reasons]) == (points, [code])


def test_other_priority_reason_names_the_groups() -> None:
    found = match(seeker("s-1", priority_groups=["zero_employment_family", "disabled"]), nanny_post(), TODAY)
    assert found is not None
    assert Reason(code="priority.other", text="重点帮扶对象：零就业家庭、残疾人") in found.reasons


def test_documented_gender_requirement_filters() -> None:
    post = nanny_post(requirement=Requirement(gender="female", reason="为独居老年女性提供住家照护"))
    assert match(seeker("s-1", gender="male"), post, TODAY) is None
    assert match(seeker("s-2", gender="female"), post, TODAY) is not None


@pytest.mark.parametrize(("age", "kept"), [(17, False), (18, True), (50, True), (51, False)])
def test_documented_age_requirement_bounds_are_inclusive(age: int, kept: bool) -> None:
    post = nanny_post(requirement=Requirement(min_age=18, max_age=50, reason="需夜间陪护老人，体力要求"))
    assert (match(seeker("s-1", birth_date=born(age)), post, TODAY) is not None) is kept


@pytest.mark.parametrize(
    "requirement",
    [{"gender": "female"}, {"max_age": 50, "reason": "  "}, {"min_age": 18, "reason": ""}],
)
def test_an_undocumented_gender_or_age_requirement_is_refused(requirement: dict[str, object]) -> None:
    with pytest.raises(ValidationError, match="a gender or age requirement needs a reason"):
        Requirement.model_validate(requirement)


def test_an_age_requirement_upside_down_is_refused() -> None:
    with pytest.raises(ValidationError, match="min_age 50 is above max_age 40"):
        Requirement(min_age=50, max_age=40, reason="体力要求")


def test_a_wage_range_upside_down_is_refused() -> None:
    with pytest.raises(ValidationError, match=re.escape("wage_max_cny 2500.0 is below wage_min_cny 3000.0")):
        nanny_post(wage_min_cny=3000, wage_max_cny=2500)


def test_a_community_code_has_twelve_digits() -> None:
    with pytest.raises(ValidationError, match="community_code"):
        nanny_post(community_code="13030300100")


def test_rank_postings_for_a_seeker_best_first_ties_by_job_id() -> None:
    person = seeker("s-1", categories=["domestic_help"], hours=["full_time"], min_monthly_wage_cny=2800)
    postings = [
        nanny_post(job_id="job-c", category="cleaning"),
        nanny_post(job_id="job-b", community_code="130303001002"),
        nanny_post(job_id="job-a", community_code="130303001003"),
        nanny_post(job_id="job-x", certificates_required=["电工证"]),
        nanny_post(job_id="job-d"),
    ]
    assert [(m.job_id, m.score) for m in rank_postings(person, postings, TODAY)] == [
        ("job-d", 75.0), ("job-a", 71.0), ("job-b", 71.0), ("job-c", 40.0),
    ]
    assert [m.job_id for m in rank_postings(person, postings, TODAY, limit=2)] == ["job-d", "job-a"]


def generated_seekers(count: int) -> list[SeekerProfile]:
    rng = random.Random(20250615)
    return [
        seeker(
            f"g-{index:04d}", gender=rng.choice(["male", "female"]), birth_date=born(rng.randint(16, 64)),
            community_code=f"130303{rng.randint(1, 3):03d}{rng.randint(1, 4):03d}",
            categories=rng.sample(["domestic_help", "cleaning", "catering"], rng.randint(0, 2)),
            hours=rng.sample(["full_time", "part_time", "flexible"], rng.randint(0, 2)),
            min_monthly_wage_cny=rng.choice([None, 2000, 2800, 3200, 4000]),
            skills=["烹饪", *rng.sample(["育婴", "保洁", "驾驶"], rng.randint(0, 3))],
            priority_groups=rng.sample(["hard_to_employ_4050", "disabled", "youth"], rng.randint(0, 2)),
        )
        for index in range(count)
    ]


def test_ranking_is_deterministic_and_independent_of_input_order() -> None:
    seekers = generated_seekers(2000)
    first = rank_seekers(nanny_post(), seekers, TODAY, limit=2000)
    assert rank_seekers(nanny_post(), seekers, TODAY, limit=2000) == first
    assert rank_seekers(nanny_post(), reversed(seekers), TODAY, limit=2000) == first
    assert len(first) == 2000
    keys = [(-m.score, m.seeker_id) for m in first]
    assert keys == sorted(keys)
