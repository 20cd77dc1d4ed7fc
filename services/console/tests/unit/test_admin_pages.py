from datetime import date

from linli_console.pages.admin import policy_from_form, report_rows
from linli_console.pages.community import coverage_rows, month_starts
from linli_console.pages.ledger import plain_message
from starlette.datastructures import FormData


def test_a_row_error_is_shown_without_the_apis_english_gloss():
    assert plain_message("身份证号校验位不对，可能抄错了一位 (checksum)") == "身份证号校验位不对，可能抄错了一位"
    assert plain_message("出生日期（农历）不对") == "出生日期（农历）不对"


def test_coverage_is_held_against_every_member_whatever_the_period():
    """The visits service counts a member covered when seen within the group's cadence before the period's end:
    a community's 6 days of a 30-day cadence aim at all its members, as its street's roll-up does (not 20 %)."""
    coverage = {"empty_nest_households": {"members": 12, "visited": 3, "share": 0.25},
                "living_alone_elderly_80": {"members": 7, "visited": 7, "share": 1.0}}
    assert [row["target"] for row in coverage_rows(coverage)] == [1.0, 1.0]


def test_six_months_end_on_the_as_of_day_and_cross_the_new_year():
    spans = month_starts(date(2027, 2, 10), 3)
    assert spans == [(date(2026, 12, 1), date(2026, 12, 31)), (date(2027, 1, 1), date(2027, 1, 31)),
                     (date(2027, 2, 1), date(2027, 2, 10))]


def test_a_blank_cadence_is_dropped_and_the_days_come_from_the_form():
    current = {"cadences": [{"group": "living_alone_elderly", "every_days": 14},
                            {"group": "empty_nest_households", "every_days": 30}],
               "mandatory_groups": ["elderly_80"], "hospitalized_days": 3}
    form = FormData([("cadence.living_alone_elderly", "7"), ("cadence.empty_nest_households", ""),
                     ("mandatory_groups", "retired_cadres"), ("mandatory_groups", "elderly_80"),
                     ("hospitalized_days", "2")])
    changed = policy_from_form(form, current)
    assert changed["cadences"] == [{"group": "living_alone_elderly", "every_days": 7}]
    assert changed["mandatory_groups"] == ["retired_cadres", "elderly_80"]
    assert changed["hospitalized_days"] == 2


def test_a_reports_cells_follow_the_templates_order_with_its_labels():
    report = {"values": {"b": 2, "a": 1, "extra": None}}
    assert report_rows(report, {"a": "甲", "b": "乙"}) == [("a", "甲", 1), ("b", "乙", 2), ("extra", "extra", None)]
