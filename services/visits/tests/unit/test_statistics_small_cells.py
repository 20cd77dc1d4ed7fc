"""Visit statistics as an officer sees them, on hand-made figures: residents counted once, rows that add up."""
from linli_visits.domain.small_cells import People, as_seen_by_officer, people_behind


def _stats(**overrides) -> dict:
    return {"org_code": "130303001", "coverage": {}, "overdue_tasks": 0, "visits_by_reason": {"routine": 12},
            "visits": 12, "met": 12, "aid_total_cny": 0.0, "per_worker": {"w1": 12}, **overrides}


def test_seven_visits_to_one_resident_are_one_resident_behind_the_figure():
    visits = [{"resident_id": "a", "reason": "routine", "met": True, "aid_total_cny": 100} for _ in range(7)]
    people = people_behind(visits, [{"resident_id": "a"}, {"resident_id": "a"}])
    assert (people.visited, people.met, people.not_met, people.aided, people.overdue) == (1, 1, 0, 1, 1)
    seen = as_seen_by_officer(_stats(visits=7, met=7, visits_by_reason={"routine": 7}, aid_total_cny=700.0,
                                     overdue_tasks=2, per_worker={"w1": 7}), people, 5)
    assert (seen["visits"], seen["aid_total_cny"], seen["overdue_tasks"], seen["per_worker"]) == (None,) * 4


def test_a_small_reason_hides_another_so_the_visits_minus_the_shown_reasons_do_not_give_it():
    people = People(visited=14, met=14, by_reason={"routine": 12, "festival": 2})
    seen = as_seen_by_officer(_stats(visits_by_reason={"routine": 12, "festival": 2}, visits=14, met=14,
                                     per_worker={"w1": 14}), people, 5)
    assert seen["visits_by_reason"] == {"routine": None, "festival": None} and seen["visits"] == 14
    assert seen["suppressed"] == ["visits_by_reason.routine", "visits_by_reason.festival"]
    assert seen["per_worker"] == {"w1": 14}  # staff figures stay while the visits they add up to are shown


def test_two_not_met_hide_the_met_figure_and_aid_is_hidden_by_its_few_recipients():
    people = People(visited=14, met=12, not_met=2, aided=3, by_reason={"routine": 14})
    seen = as_seen_by_officer(_stats(visits_by_reason={"routine": 14}, visits=14, met=12, aid_total_cny=900.0),
                              people, 5)
    assert (seen["visits"], seen["met"], seen["aid_total_cny"]) == (14, None, None)


def test_coverage_hides_the_visited_when_the_not_visited_are_few_and_the_share_with_it():
    coverage = {"elderly_80": {"members": 20, "visited": 18, "share": 0.9}}
    seen = as_seen_by_officer(_stats(coverage=coverage), People(visited=12, met=12, by_reason={"routine": 12}), 5)
    assert seen["coverage"]["elderly_80"] == {"members": 20, "visited": None, "share": None}
    assert seen["suppressed"] == ["coverage.elderly_80.visited", "coverage.elderly_80.share"]
