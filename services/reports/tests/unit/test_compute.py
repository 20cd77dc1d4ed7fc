"""The computation on hand-made facts: groups on the as-of day, filters, activity in the period, lineage."""
from datetime import date

from linli_reports.domain.compute import CommunityFacts, compute, total
from linli_reports.domain.indicators import Template

AS_OF = date(2026, 6, 30)


def person(rid: str, born: str, gender: str = "female", household: str | None = None, **extra) -> dict:
    return {"_id": rid, "household_id": household or f"h-{rid}", "gender": gender, "birth_date": born,
            "status": "active", "name": rid, **extra}


def template(*indicators: dict) -> Template:
    return Template.model_validate({"key": "t", "org_code": "130303001", "version": 1, "name": "表",
                                    "indicators": list(indicators)})


FACTS = CommunityFacts(
    residents=[person("a85", "1941-01-01"), person("b70", "1956-01-01", "male", "h-pair", grid="G1"),
               person("c68", "1958-03-01", household="h-pair"), person("d45", "1981-01-01", "male",
                                                                      employment_status="laid_off"),
               person("e52", "1974-01-01", "male", employment_status="unemployed"),
               person("f90", "1936-01-01", status="deceased", left_on="2026-05-01"),
               person("g30", "1996-01-01", residence_type="temporary")],
    households=[{"_id": "h-pair", "grid": "G1"}],
    visits=[{"_id": "v1", "resident_id": "a85", "reason": "routine", "visited_on": "2026-06-03", "met": True,
             "aid_total_cny": 120.5},
            {"_id": "v2", "resident_id": "b70", "reason": "festival", "visited_on": "2026-06-20", "met": False,
             "aid_total_cny": 0},
            {"_id": "v0", "resident_id": "b70", "reason": "routine", "visited_on": "2026-05-31", "met": True,
             "aid_total_cny": 50}],
    referrals=[{"_id": "r1", "referred_on": "2026-06-05", "priority_groups": ["hard_to_employ_4050"]},
               {"_id": "r2", "referred_on": "2026-06-06", "priority_groups": []}],
    placements=[{"_id": "p1", "start_date": "2026-06-10", "priority_groups": ["hard_to_employ_4050"]}],
)


def cells(*indicators: dict, start=date(2026, 6, 1), as_of=AS_OF):
    return compute(template(*indicators), FACTS, start, as_of, as_of)


def test_registry_groups_on_the_as_of_day_with_lineage():
    result = cells({"key": "e60", "label": "60+", "source": "registry_group", "group": "elderly_60"},
                   {"key": "e80", "label": "80+", "source": "registry_group", "group": "elderly_80"},
                   {"key": "nest", "label": "空巢", "source": "registry_group", "group": "empty_nest_households"},
                   {"key": "out", "label": "下岗失业", "source": "registry_group", "group": "unemployed"},
                   {"key": "h4050", "label": "4050", "source": "registry_group", "group": "hard_to_employ_4050"})
    assert {k: c.value for k, c in result.items()} == {"e60": 3, "e80": 1, "nest": 2, "out": 2, "h4050": 1}
    assert result["e60"].ids == ["a85", "b70", "c68"] and result["e60"].kind == "residents"
    assert result["nest"].ids == ["h-a85", "h-pair"] and result["nest"].kind == "households"
    assert result["h4050"].ids == ["e52"]


def test_someone_who_died_still_counts_before_the_day_they_left():
    before = compute(template({"key": "e80", "label": "80+", "source": "registry_group", "group": "elderly_80"}),
                     FACTS, date(2026, 4, 1), date(2026, 4, 30), date(2026, 4, 30))
    assert before["e80"].ids == ["a85", "f90"]


def test_filters_grid_gender_age_residence():
    result = cells(
        {"key": "g1", "label": "一网格", "source": "registry_group", "group": "residents", "filters": {"grid": "G1"}},
        {"key": "w", "label": "女性60-69", "source": "registry_group", "group": "residents",
         "filters": {"gender": "female", "min_age": 60, "max_age": 69}},
        {"key": "tmp", "label": "暂住", "source": "registry_group", "group": "residents",
         "filters": {"residence_type": "temporary"}},
        {"key": "nest_g1", "label": "一网格空巢", "source": "registry_group", "group": "empty_nest_households",
         "filters": {"grid": "G1"}})
    assert result["g1"].ids == ["b70", "c68"]  # c68 takes the household's grid
    assert result["w"].ids == ["c68"]
    assert result["tmp"].ids == ["g30"]
    assert result["nest_g1"].ids == ["h-pair"]


def test_visits_and_employment_in_the_period():
    result = cells({"key": "n", "label": "走访", "source": "visits", "metric": "visits.count"},
                   {"key": "met", "label": "见面", "source": "visits", "metric": "visits.met"},
                   {"key": "fest", "label": "节日", "source": "visits", "metric": "visits.count", "reason": "festival"},
                   {"key": "aid", "label": "慰问金", "source": "visits", "metric": "visits.aid_total_cny"},
                   {"key": "ref", "label": "推荐", "source": "employment", "metric": "employment.referrals"},
                   {"key": "ref4050", "label": "4050推荐", "source": "employment",
                    "metric": "employment.referrals_4050"},
                   {"key": "placed4050", "label": "4050就业", "source": "employment",
                    "metric": "employment.placed_4050"},
                   {"key": "notes", "label": "说明", "source": "manual"})
    assert {k: c.value for k, c in result.items()} == {
        "n": 2, "met": 1, "fest": 1, "aid": 120.5, "ref": 2, "ref4050": 1, "placed4050": 1, "notes": None}
    assert result["n"].ids == ["v1", "v2"] and result["ref4050"].ids == ["r1"] and result["notes"].kind is None


def test_a_total_is_exactly_the_sum():
    assert total([3, 4, None, "n/a"]) == 7
    assert total([0.1, 0.2]) == 0.3
    assert total(["text"]) is None
