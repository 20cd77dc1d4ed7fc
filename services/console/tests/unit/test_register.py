"""The register page's rules that need no I/O: what is missing before anything is written, and what is sent."""
from __future__ import annotations

from linli_console.pages.register import missing_fields, resident_body


def test_a_missing_name_or_id_number_is_caught_before_anything_is_written_and_a_new_household_needs_its_estate():
    assert set(missing_fields({"name": "", "id_number": ""}, new_household=False)) == {"name", "id_number"}
    assert set(missing_fields({"name": "王小宝", "id_number": "x"}, new_household=True)) == {"estate"}
    assert missing_fields({"name": "王小宝", "id_number": "x", "estate": "工农里"}, new_household=True) == {}


def test_an_empty_choice_is_left_to_the_registrys_default():
    body = resident_body({"name": "王小宝", "id_number": "x", "employment_status": "", "phone": ""}, "h1")
    assert body == {"name": "王小宝", "id_number": "x", "household_id": "h1"}
