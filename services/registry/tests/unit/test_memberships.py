"""The dated history of disability certificates and special-care categories: pure rules, no I/O."""
from __future__ import annotations

from datetime import date

import pytest

from linli_registry.domain.memberships import (
    MembershipError,
    current_fields,
    end_membership,
    history_of,
    memberships_after,
    reconcile,
    start_membership,
)

TODAY = date(2026, 6, 1)


def cert(category: str, grade: int, start: str | None, end: str | None = None) -> dict:
    return {"kind": "disability", "category": category, "grade": grade, "start": start, "end": end}


def care(category: str, start: str | None, end: str | None = None) -> dict:
    return {"kind": "special_care", "category": category, "start": start, "end": end}


def code_of(call) -> str:
    with pytest.raises(MembershipError) as caught:
        call()
    return caught.value.code


def test_a_regraded_certificate_ends_the_running_one_and_opens_its_successor() -> None:
    first = start_membership([], "disability", "physical", date(2022, 1, 1), 3, today=TODAY)
    regraded = start_membership(first, "disability", "physical", date(2024, 1, 1), 2, today=TODAY)
    assert regraded == [cert("physical", 3, "2022-01-01", "2024-01-01"), cert("physical", 2, "2024-01-01")]
    assert first == [cert("physical", 3, "2022-01-01")]  # the input is never changed


def test_a_new_category_is_a_new_certificate_and_the_same_day_corrects() -> None:
    running = [cert("physical", 3, "2022-01-01")]
    assert start_membership(running, "disability", "multiple", date(2023, 5, 1), 1, today=TODAY) == [
        cert("physical", 3, "2022-01-01", "2023-05-01"), cert("multiple", 1, "2023-05-01")]
    assert start_membership(running, "disability", "physical", date(2022, 1, 1), 2, today=TODAY) == [
        cert("physical", 2, "2022-01-01")]


@pytest.mark.parametrize(
    ("memberships", "kind", "category", "start", "grade", "code"),
    [
        ([cert("physical", 3, "2022-01-01")], "disability", "physical", date(2023, 1, 1), 3,
         "membership.already_active"),
        ([care("dementia", None)], "special_care", "dementia", date(2023, 1, 1), None, "membership.already_active"),
        ([cert("physical", 3, "2022-01-01")], "disability", "physical", date(2021, 1, 1), 2, "membership.overlaps"),
        ([care("hiv", "2020-01-01", "2022-01-01")], "special_care", "hiv", date(2021, 6, 1), None,
         "membership.overlaps"),
        ([care("hiv", "2020-01-01", "2022-01-01")], "special_care", "hiv", None, None, "membership.overlaps"),
        ([], "special_care", "hiv", date(2026, 6, 2), None, "membership.start_future"),
    ],
)
def test_start_refusals(memberships, kind, category, start, grade, code) -> None:
    assert code_of(lambda: start_membership(memberships, kind, category, start, grade, today=TODAY)) == code


def test_special_care_categories_run_side_by_side_and_restart_after_their_end() -> None:
    both = start_membership([care("dementia", None)], "special_care", "hiv", date(2025, 1, 1), today=TODAY)
    assert current_fields(both, TODAY)["special_care"] == ["dementia", "hiv"]
    again = start_membership([care("hiv", "2020-01-01", "2022-01-01")], "special_care", "hiv",
                             date(2022, 1, 1), today=TODAY)
    assert again[-1] == care("hiv", "2022-01-01")


def test_end_closes_the_running_period() -> None:
    running = [care("community_corrections", "2024-03-01"), care("dementia", None)]
    ended = end_membership(running, "special_care", "community_corrections", date(2025, 3, 1), today=TODAY)
    assert ended == [care("community_corrections", "2024-03-01", "2025-03-01"), care("dementia", None)]
    assert end_membership([care("hiv", None)], "special_care", "hiv", date(1990, 1, 1), today=TODAY)[0]["end"]


@pytest.mark.parametrize(
    ("memberships", "category", "end", "code"),
    [
        ([], "hiv", date(2025, 1, 1), "membership.not_active"),
        ([care("hiv", "2020-01-01", "2022-01-01")], "hiv", date(2025, 1, 1), "membership.not_active"),
        ([care("hiv", "2020-01-01")], "hiv", date(2019, 12, 31), "membership.end_before_start"),
        ([care("hiv", "2020-01-01")], "hiv", date(2026, 6, 2), "membership.end_future"),
    ],
)
def test_end_refusals(memberships, category, end, code) -> None:
    assert code_of(lambda: end_membership(memberships, "special_care", category, end, today=TODAY)) == code


def test_current_fields_are_the_periods_running_today() -> None:
    memberships = [cert("physical", 3, None, "2024-01-01"), cert("physical", 2, "2024-01-01"),
                   care("community_corrections", "2024-03-01", "2025-03-01"), care("dementia", "2025-01-01")]
    assert current_fields(memberships, TODAY) == {"disability": {"category": "physical", "grade": 2},
                                                  "special_care": ["dementia"]}
    assert current_fields(memberships, date(2024, 6, 1)) == {"disability": {"category": "physical", "grade": 2},
                                                             "special_care": ["community_corrections"]}
    assert current_fields([], TODAY) == {"disability": None, "special_care": []}


def test_reconcile_at_registration_opens_since_before_records_began() -> None:
    assert reconcile([], {"category": "visual", "grade": 1}, ["hiv", "dementia"], None) == [
        cert("visual", 1, None), care("hiv", None), care("dementia", None)]
    assert reconcile([], None, [], None) == []


def test_reconcile_opens_new_values_ends_removed_ones_and_leaves_the_rest() -> None:
    before = [cert("physical", 3, "2022-01-01"), care("dementia", None), care("hiv", "2025-01-01")]
    after = reconcile(before, {"category": "physical", "grade": 2}, ["dementia", "drug_user"], TODAY)
    assert after == [cert("physical", 3, "2022-01-01", "2026-06-01"), care("dementia", None),
                     care("hiv", "2025-01-01", "2026-06-01"), cert("physical", 2, "2026-06-01"),
                     care("drug_user", "2026-06-01")]
    assert reconcile(before, {"category": "physical", "grade": 3}, ["hiv", "dementia"], TODAY) == before
    assert reconcile(before, None, [], TODAY)[0] == cert("physical", 3, "2022-01-01", "2026-06-01")


def test_a_record_without_history_gets_its_current_values_since_ever() -> None:
    legacy = {"disability": {"category": "speech", "grade": 4}, "special_care": ["blind_mute"]}
    assert history_of(legacy) == [cert("speech", 4, None), care("blind_mute", None)]
    assert history_of({"memberships": [], **legacy}) == []
    assert memberships_after(legacy, {"disability": None}, TODAY) == [
        cert("speech", 4, None, "2026-06-01"), care("blind_mute", None)]
    assert memberships_after({}, {"special_care": ["hiv"]}, TODAY) == [care("hiv", "2026-06-01")]
