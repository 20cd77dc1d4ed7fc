"""What a ledger row says about a resident: present columns rule (a blank clears), absent ones leave alone."""
from __future__ import annotations

from datetime import date

from linli_devtools.people import id_number

from linli_registry.domain.ledger import HEADERS, LedgerRow, map_header, parse_row
from linli_registry.domain.ledger_residents import new_resident_values, resident_values

TODAY = date(2024, 6, 1)
BORN = date(1950, 3, 7)
EXISTING = {"phone": "13900139000", "health": "good", "residence_type": "temporary", "party_member": True,
            "volunteer": {"skills": ["理发"]},
            "retired_cadre": {"kind": "tuixiu", "rank": "处级", "hobbies": "书法", "habits": "早起"}}


def row(**cells: object) -> LedgerRow:
    """One row under 姓名, 身份证号 and the given columns (by key; the header is each column's Chinese name)."""
    header = map_header(["姓名", "身份证号", *(HEADERS[key] for key in cells)])
    parsed = parse_row(header, 2, ["张三", id_number(BORN, "male"), *cells.values()], TODAY)
    assert parsed.errors == [], parsed.errors
    return parsed.row


def test_absent_columns_leave_every_stored_field_alone():
    assert resident_values(row(), EXISTING) == {}
    assert resident_values(row(), None) == {}


def test_a_present_column_is_authoritative_and_a_blank_cell_clears():
    assert resident_values(row(health=""), EXISTING) == {"health": None}
    assert resident_values(row(health="一般"), EXISTING) == {"health": "fair"}
    assert resident_values(row(phone=None, ethnicity=""), EXISTING) == {"phone": None, "ethnicity": None}


def test_plain_columns_give_their_codes():
    values = resident_values(row(phone="138 0013 8000", ethnicity="回族", relation_to_head="配偶",
                                 employment_status="退休"), None)
    assert values == {"phone": "13800138000", "ethnicity": "03", "relation_to_head": "spouse",
                      "employment_status": "retired"}


def test_blank_residence_type_and_calendar_fall_back_to_registrations_defaults():
    assert resident_values(row(residence_type="", birthday_calendar=None), EXISTING) == {
        "residence_type": "registered", "birthday_calendar": "solar"}
    assert resident_values(row(residence_type="暂住", birthday_calendar="农历"), None) == {
        "residence_type": "temporary", "birthday_calendar": "lunar"}


def test_disability_needs_either_column_and_a_blank_pair_clears():
    assert resident_values(row(disability_category="肢体", disability_grade="二级"), None) == {
        "disability": {"category": "physical", "grade": 2}}
    assert resident_values(row(disability_category="", disability_grade=""), EXISTING) == {"disability": None}
    assert resident_values(row(disability_grade=""), EXISTING) == {"disability": None}


def test_party_member_blank_is_no():
    assert resident_values(row(party_member="是"), None) == {"party_member": True}
    assert resident_values(row(party_member="群众"), EXISTING) == {"party_member": False}
    assert resident_values(row(party_member=""), EXISTING) == {"party_member": False}


def test_a_volunteer_keeps_the_skills_the_ledger_cannot_hold():
    assert resident_values(row(volunteer="是"), EXISTING) == {"volunteer": {"skills": ["理发"]}}
    assert resident_values(row(volunteer="是"), None) == {"volunteer": {"skills": []}}
    assert resident_values(row(volunteer="是"), {"volunteer": None}) == {"volunteer": {"skills": []}}


def test_no_or_blank_volunteer_clears():
    assert resident_values(row(volunteer="否"), EXISTING) == {"volunteer": None}
    assert resident_values(row(volunteer=""), EXISTING) == {"volunteer": None}


def test_a_retired_cadre_keeps_rank_and_habits_while_the_kind_changes():
    assert resident_values(row(retired_cadre="离休"), EXISTING) == {
        "retired_cadre": {"kind": "lixiu", "rank": "处级", "hobbies": "书法", "habits": "早起"}}
    assert resident_values(row(retired_cadre="退休干部"), None) == {"retired_cadre": {"kind": "tuixiu"}}
    assert resident_values(row(retired_cadre=""), EXISTING) == {"retired_cadre": None}
    assert EXISTING["retired_cadre"]["kind"] == "tuixiu"  # the stored record is not changed


def test_special_care_is_sorted_and_a_blank_clears_to_empty():
    assert resident_values(row(special_care="精神病、孤老，痴呆"), None) == {
        "special_care": ["dementia", "elderly_without_family", "mental_illness"]}
    assert resident_values(row(special_care=""), EXISTING) == {"special_care": []}
    unsorted = LedgerRow(row=2, present=frozenset({"name", "id_number", "special_care"}), name="张三",
                         id_number=id_number(BORN, "male"), gender="male", birth_date=BORN,
                         special_care=["hiv", "dementia"])
    assert resident_values(unsorted, None) == {"special_care": ["dementia", "hiv"]}


def test_a_new_resident_gets_registrations_defaults_under_the_rows_values():
    defaults = {"phone": None, "ethnicity": None, "relation_to_head": None, "employment_status": None,
                "health": None, "disability": None, "party_member": False, "volunteer": None, "retired_cadre": None,
                "special_care": [], "sms_consent": False, "residence_type": "registered", "birthday_calendar": "solar"}
    assert new_resident_values(row()) == defaults
    values = new_resident_values(row(health="卧床", volunteer="是", residence_type="常住", special_care="孤老"))
    assert values == {**defaults, "health": "bedridden", "volunteer": {"skills": []},
                      "residence_type": "resident_nonlocal", "special_care": ["elderly_without_family"]}
