"""The privacy trail's entries: masked identifiers, sensitive values only as set/cleared, time-ordered ids."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from linli_registry.domain.audit import Change, changes_between, entry_id, masked_value, new_entry

ID = "130303195003071234"
PHONE = "13812345678"


def test_id_numbers_and_phones_appear_masked():
    assert masked_value("id_number", ID) == "1303**************"
    assert masked_value("phone", PHONE) == "138****5678"
    assert masked_value("phone", "0310-1234567") == "********4567"  # a landline keeps its last four


@pytest.mark.parametrize(
    ("field", "value"),
    [("health", "poor"), ("disability", {"category": "physical", "grade": 2}), ("special_care", ["hiv"]),
     ("memberships", [{"kind": "special_care", "category": "hiv", "start": "2024-01-01", "end": None}]),
     ("low_income_periods", [{"start": "2023-01-01", "end": None, "monthly_cny": 182.0}])],
)
def test_a_sensitive_value_shows_only_that_it_is_set(field, value):
    assert masked_value(field, value) == "***"


@pytest.mark.parametrize("field", ["health", "disability", "special_care", "memberships", "low_income_periods",
                                   "id_number", "phone", "name"])
@pytest.mark.parametrize("empty", [None, "", [], {}])
def test_an_empty_or_absent_value_is_none(field, empty):
    assert masked_value(field, empty) is None


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", "张三"), ("grid", "130303001001-03"), ("party_member", False), ("party_member", True),
     ("low_income_monthly_cny", 0.0), ("relation_to_head", "head"), ("address", {"estate": "工农里"})],
)
def test_other_fields_pass_through(field, value):
    assert masked_value(field, value) == value


def test_changes_list_exactly_the_given_fields_masked():
    old = {"phone": PHONE, "health": None, "name": "张三", "room": "301"}
    new = {"phone": "13987654321", "health": "poor", "name": "张三", "room": "302", "id_number": ID}
    assert changes_between(old, new, ["phone", "health", "id_number", "name"]) == [
        Change(field="phone", old="138****5678", new="139****4321"),
        Change(field="health", old=None, new="***"),
        Change(field="id_number", old=None, new="1303**************"),
        Change(field="name", old="张三", new="张三"),
    ]  # room changed too, but was not asked for
    assert changes_between(old, new, []) == []


def test_entry_ids_sort_in_creation_order():
    ids = [entry_id() for _ in range(50)]
    assert ids == sorted(ids)
    assert len(set(ids)) == 50
    assert all(re.fullmatch(r"\d{20}-[0-9a-f]{8}", i) for i in ids)


def test_a_new_entry_is_stamped_now_in_utc():
    before = datetime.now(UTC)
    entry = new_entry("staff-1", "resident.changed", "130303001001", resident_ids=["r1"],
                      changes=changes_between({}, {"health": "poor"}, ["health"]))
    after = datetime.now(UTC)
    assert entry.at.utcoffset() == timedelta(0)
    assert before <= entry.at <= after
    assert (entry.actor, entry.action, entry.community_code, entry.resident_ids, entry.household_id) == (
        "staff-1", "resident.changed", "130303001001", ["r1"], None)
    assert entry.changes == [Change(field="health", old=None, new="***")]
    assert re.fullmatch(r"\d{20}-[0-9a-f]{8}", entry.id)


def test_entries_made_one_after_another_order_by_id():
    first, second = new_entry("staff-1", "pii.read", "c"), new_entry("staff-1", "pii.read", "c")
    assert first.id < second.id
    assert first.at <= second.at
