"""An ID number shown without pii:read keeps too little to be rebuilt beside the birth date and gender."""
from __future__ import annotations

import pytest

from linli_shared.privacy import mask_id_number


@pytest.mark.parametrize(("number", "shown"), [
    ("11010519491231002X", "1101**************"),  # the example of GB 11643
    ("130303195001011234", "1303**************"),
    ("110105491231002", "1101***********"),  # an old 15-digit card
])
def test_an_id_card_shows_only_its_province_and_city(number, shown):
    assert mask_id_number(number) == mask_id_number(number, "id_card") == shown


def test_the_birth_date_sequence_and_check_digits_never_show():
    masked = mask_id_number("11010519491231002X")
    assert "19491231" not in masked and "002X" not in masked and masked.count("*") == 14


@pytest.mark.parametrize(("number", "id_type", "shown"), [
    ("E12345678", "passport", "E1*******"),
    ("H0123456789", "hk_macao_permit", "H0*********"),
    ("830000199001010012", "taiwan_permit", "83****************"),  # shaped like an ID card, still a document
    ("ABC1234", "other", "A******"),  # 7 characters: one shown, six hidden
    ("123456", "other", "******"),  # six or fewer: nothing shown
    ("12", "passport", "**"),
])
def test_other_documents_show_at_most_two_characters_and_hide_at_least_six(number, id_type, shown):
    assert mask_id_number(number, id_type) == shown


@pytest.mark.parametrize(("stored", "id_type", "shown"), [
    ("110105********002X", None, "1101**************"),  # the old mask, birth date hidden but tail shown
    ("110105********002X", "id_card", "1101**************"),
    ("1101**************", "id_card", "1101**************"),
    ("E1*****78", "passport", "E1*******"),
])
def test_a_mask_stored_under_the_old_rule_is_masked_anew_to_the_same_form(stored, id_type, shown):
    assert mask_id_number(stored, id_type) == shown


@pytest.mark.parametrize("empty", [None, ""])
def test_nothing_to_mask_stays_nothing(empty):
    assert mask_id_number(empty) == empty
