"""No ID number can be narrowed to fewer than 1,000 candidates from its masked form, birth date and gender.

The pure half of the property (the integration half reads every surface of the registry): the mask itself,
the masks already stored under the old rule, and the places that repeat stored text.
"""
from __future__ import annotations

from datetime import date

import pytest

from linli_shared.privacy import mask_id_number

from linli_registry.domain.audit import as_shown
from linli_registry.domain.id_card import parse_id_card
from linli_registry.domain.ledger import COLUMNS, map_header, masked_anew, parse_row

from id_candidates import candidates, known_from, known_in, leaked_runs
from registry_helpers import id_number

FLOOR = 1000
EXAMPLE = "11010519491231002X"  # GB 11643's example, rebuilt in full from `110105********002X` + 1949-12-31
REAL_LOOKING = [EXAMPLE, "11010519800229123" "5", "32010219991231005" "7",
                *(id_number(date(y, m, d), g, area=a, seq=s) for y, m, d, g, a, s in [
                    (1930, 2, 28, "male", "130303", 0), (1962, 7, 8, "female", "130304", 498),
                    (2001, 10, 1, "male", "652901", 137), (2024, 12, 31, "female", "130303", 250)])]


def _candidates_of(masked: str, number: str) -> int:
    card = parse_id_card(number)
    return candidates(known_from(masked), card.birth_date, card.gender)


def test_the_counter_rebuilds_the_issue_example_from_the_old_mask():
    assert _candidates_of("110105********002X", EXAMPLE) == 1


@pytest.mark.parametrize("number", REAL_LOOKING)
def test_a_masked_id_number_beside_its_birth_date_and_gender_leaves_at_least_1000_candidates(number):
    assert _candidates_of(mask_id_number(number), number) >= FLOOR
    assert _candidates_of(mask_id_number(number, "id_card"), number) >= FLOOR


@pytest.mark.parametrize("number", REAL_LOOKING)
def test_an_old_mask_masked_anew_leaves_at_least_1000_candidates(number):
    old = number[:6] + "*" * 8 + number[-4:]
    assert _candidates_of(old, number) < FLOOR  # what the old rule gave away
    assert _candidates_of(mask_id_number(old, "id_card"), number) >= FLOOR


def test_import_messages_stored_with_the_old_mask_are_shown_with_the_new_one():
    stored = "民族：无法识别“110105********002X”，可填 ... (unknown value)"
    assert masked_anew(stored) == "民族：无法识别“1101**************”，可填 ... (unknown value)"
    assert masked_anew("第3行 (same ID number as row 3)") == "第3行 (same ID number as row 3)"


def test_trail_entries_stored_with_the_old_mask_are_shown_with_the_new_one():
    stored = {"_id": "e1", "changes": [{"field": "id_number", "old": "110105********002X", "new": None},
                                       {"field": "phone", "old": "138****5678", "new": "139****4321"},
                                       {"field": "name", "old": "张三", "new": "张四"}]}
    assert as_shown(stored)["changes"] == [{"field": "id_number", "old": "1101**************", "new": None},
                                           {"field": "phone", "old": "138****5678", "new": "139****4321"},
                                           {"field": "name", "old": "张三", "new": "张四"}]



def _row_messages(values: dict[str, object]) -> list[str]:
    headers = {column.key: column.header for column in COLUMNS}
    parsed = parse_row(map_header([headers[key] for key in values]), 5, list(values.values()), date(2024, 6, 1))
    assert parsed.errors, "the row was meant to fail"
    return [error.message for error in parsed.errors]


def test_a_row_message_repeating_an_id_number_leaves_at_least_1000_candidates():
    misplaced = _row_messages({"name": "王秀英", "id_number": EXAMPLE, "ethnicity": EXAMPLE, "health": EXAMPLE})
    excel_number = _row_messages({"name": "王秀英", "id_number": float(EXAMPLE[:17])})  # Excel kept 15 digits
    for messages, number in ((misplaced, EXAMPLE), (excel_number, EXAMPLE[:15] + "000")):
        messages = [masked_anew(m) for m in messages]  # as the import error listings show them
        assert _candidates_of_known(known_in(messages, number), EXAMPLE) >= FLOOR, messages
        assert leaked_runs(messages, number) == [], messages


def _candidates_of_known(known: dict[int, str], number: str) -> int:
    card = parse_id_card(number)
    return candidates(known, card.birth_date, card.gender)
