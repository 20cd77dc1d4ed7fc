"""Employment statistics as an officer sees them, on hand-made records: residents counted once, splits that add up."""
from linli_shared.domain.suppression import protect_cells

from linli_employment.domain.small_cells import as_seen_by_officer, cells_of, hidden_at, hidden_in_district

FOUR_50 = ["hard_to_employ_4050"]


def _stats(**figures) -> dict:
    return {"seekers": 0, "seekers_4050": 0, "referrals": 0, "referrals_4050": 0, "placements": 0,
            "placed_4050": 0, "trainees_by_cohort": {}, "trainings_completed": 0, **figures}


def _seen(stats: dict, seekers=(), referrals=(), placements=(), enrollments=(), below: int = 5) -> dict:
    cells, sums = cells_of(list(seekers), list(referrals), list(placements), list(enrollments))
    return as_seen_by_officer(stats, protect_cells(cells, sums, below), below)


def test_six_referrals_of_one_resident_are_one_resident_behind_the_figure():
    referrals = [{"resident_id": "a", "priority_groups": FOUR_50} for _ in range(6)]
    seen = _seen(_stats(referrals=6, referrals_4050=6), referrals=referrals)
    assert (seen["referrals"], seen["referrals_4050"]) == (None, None)


def test_two_who_did_not_complete_a_training_hide_the_completed_figure_and_a_cohort_with_it():
    enrollments = ([{"resident_id": f"u{n}", "cohort": "unemployed", "status": "completed"} for n in range(6)]
                   + [{"resident_id": f"d{n}", "cohort": "disabled", "status": "completed"} for n in range(6)]
                   + [{"resident_id": f"x{n}", "cohort": "unemployed", "status": "enrolled"} for n in range(2)])
    seen = _seen(_stats(trainees_by_cohort={"unemployed": 8, "disabled": 6}, trainings_completed=12),
                 enrollments=enrollments)
    # The cohorts add up to 14 enrollments; 14 − 12 completed would be the 2 who did not finish.
    assert seen["trainings_completed"] is None
    assert seen["trainees_by_cohort"] == {"unemployed": 8, "disabled": 6}  # the 14 in all may be shown


def test_a_small_cohort_hides_another_so_the_cohorts_do_not_add_up_to_a_known_total():
    enrollments = ([{"resident_id": f"u{n}", "cohort": "unemployed", "status": "completed"} for n in range(9)]
                   + [{"resident_id": f"d{n}", "cohort": "disabled", "status": "completed"} for n in range(2)])
    seen = _seen(_stats(trainees_by_cohort={"unemployed": 9, "disabled": 2}, trainings_completed=11),
                 enrollments=enrollments)
    assert seen["trainees_by_cohort"] == {"unemployed": None, "disabled": None}
    assert seen["suppressed"] == ["trainees_by_cohort.unemployed", "trainees_by_cohort.disabled"]


def test_a_community_hidden_beside_a_small_one_is_hidden_on_its_own_page_too():
    def seekers(community: str, n: int) -> list[dict]:
        return [{"_id": f"{community}-{i}", "community_code": community, "priority_groups": []} for i in range(n)]

    hidden = hidden_in_district((seekers("130303001001", 3) + seekers("130303001002", 9), [], [], []), 5)
    assert "seekers" in hidden_at(hidden, "130303001001") and "seekers" in hidden_at(hidden, "130303001002")
    assert "seekers" not in hidden_at(hidden, "130303001")  # the street's 12 is shown: 12 − 9 is no longer there
