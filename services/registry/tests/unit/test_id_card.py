from __future__ import annotations

from datetime import date

import pytest

from linli_registry.domain.id_card import (
    IdCard,
    IdNumberError,
    check_character,
    id_tail,
    normalize_id_number,
    parse_id_card,
)

PUBLISHED_FEMALE = "11010519491231002X"  # example in GB 11643-1999


def _with_check(first17: str) -> str:
    return first17 + check_character(first17)


@pytest.mark.parametrize(
    ("first17", "expected"),
    [
        ("11010519491231002", "X"),  # GB 11643-1999 examples
        ("44052418800101001", "4"),
        ("11010519800229123", "5"),
        ("32010219991231005", "7"),
    ],
)
def test_check_character(first17: str, expected: str) -> None:
    assert check_character(first17) == expected


@pytest.mark.parametrize("first17", ["1101051949123100", "1101051949123100A", "１１０１０５１９４９１２３１００２"])
def test_check_character_wants_17_ascii_digits(first17: str) -> None:
    with pytest.raises(IdNumberError) as caught:
        check_character(first17)
    assert caught.value.code == "resident.id_number.format"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (PUBLISHED_FEMALE, IdCard(PUBLISHED_FEMALE, "110105", date(1949, 12, 31), "female")),
        ("110105198002291235", IdCard("110105198002291235", "110105", date(1980, 2, 29), "male")),
        ("310115201001010045", IdCard("310115201001010045", "310115", date(2010, 1, 1), "female")),
        ("530102190001010019", IdCard("530102190001010019", "530102", date(1900, 1, 1), "male")),
    ],
)
def test_parse_valid_numbers(raw: str, expected: IdCard) -> None:
    assert parse_id_card(raw) == expected


@pytest.mark.parametrize(
    ("area", "born", "sequence", "gender"),
    [
        ("320102", date(1999, 12, 31), "005", "male"),
        ("440305", date(2000, 2, 29), "122", "female"),
        ("650102", date(1958, 7, 1), "310", "female"),
    ],
)
def test_parse_numbers_built_with_their_check_character(area: str, born: date, sequence: str, gender: str) -> None:
    number = _with_check(f"{area}{born:%Y%m%d}{sequence}")
    assert parse_id_card(number, today=date(2024, 6, 15)) == IdCard(number, area, born, gender)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("11010519491231002x", PUBLISHED_FEMALE),
        ("  11010519491231002X\n", PUBLISHED_FEMALE),
        ("110105 19491231 002X", PUBLISHED_FEMALE),
        ("\u3000１１０１０５１９４９１２３１００２Ｘ\u3000", PUBLISHED_FEMALE),
        ("１１０１０５１９４９１２３１００２ｘ", PUBLISHED_FEMALE),
        ("110105198002291235", "110105198002291235"),
        ("abc", "abc"),
    ],
)
def test_normalize_id_number(raw: str, expected: str) -> None:
    assert normalize_id_number(raw) == expected


def test_lowercase_x_and_full_width_digits_are_accepted() -> None:
    assert parse_id_card("11010519491231002x").number == PUBLISHED_FEMALE
    assert parse_id_card("１１０１０５１９４９１２３１００２Ｘ").number == PUBLISHED_FEMALE


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "11010519491231002",  # 17 characters
        "11010519491231002X1",  # 19 characters
        "1101051949123100AX",  # letter
        "110105194912310X21",  # X not last
        "11010519491231002Y",
        "11010519491231002٣",  # Arabic-Indic digit, not an ASCII one
    ],
)
def test_format_errors(raw: str) -> None:
    with pytest.raises(IdNumberError) as caught:
        parse_id_card(raw)
    assert caught.value.code == "resident.id_number.format"


def test_format_error_message_gives_the_length() -> None:
    with pytest.raises(IdNumberError) as caught:
        parse_id_card("11010519491231002")
    assert caught.value.message == "ID number must be 17 digits followed by a digit or X; got 17 characters"


@pytest.mark.parametrize(
    ("first17", "today", "message"),
    [
        ("11010519990230001", None, "ID number birth date 19990230 is not a real date"),
        ("11010520230229001", None, "ID number birth date 20230229 is not a real date"),
        ("11010519991301001", None, "ID number birth date 19991301 is not a real date"),
        ("11010500000101001", None, "ID number birth date 00000101 is not a real date"),
        ("44052418800101001", None, "ID number birth date 1880-01-01 is before 1900"),
        ("11010518991231001", None, "ID number birth date 1899-12-31 is before 1900"),
        ("11010520240616001", date(2024, 6, 15), "ID number birth date 2024-06-16 is in the future"),
    ],
)
def test_birth_date_errors(first17: str, today: date | None, message: str) -> None:
    # A correct check character, so only the date can be at fault.
    with pytest.raises(IdNumberError) as caught:
        parse_id_card(_with_check(first17), today=today)
    assert (caught.value.code, caught.value.message) == ("resident.id_number.birth_date", message)


def test_birth_date_is_checked_before_the_checksum() -> None:
    with pytest.raises(IdNumberError) as caught:
        parse_id_card("110105199902300010")
    assert caught.value.code == "resident.id_number.birth_date"


@pytest.mark.parametrize(
    ("today", "born"),
    [(date(2024, 6, 15), date(2024, 6, 15)), (None, date(2090, 1, 1))],
)
def test_birth_date_up_to_today_or_any_without_today(today: date | None, born: date) -> None:
    first17 = f"110105{born:%Y%m%d}001"
    assert parse_id_card(_with_check(first17), today=today).birth_date == born


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("110105194912310021", "ID number check character should be X, not 1"),
        ("110105198002291234", "ID number check character should be 5, not 4"),
        ("11010519800229123x", "ID number check character should be 5, not X"),
    ],
)
def test_checksum_errors(raw: str, message: str) -> None:
    with pytest.raises(IdNumberError) as caught:
        parse_id_card(raw)
    assert (caught.value.code, caught.value.message) == ("resident.id_number.checksum", message)
    assert str(caught.value) == message


def test_id_number_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="check character should be X"):
        parse_id_card("110105194912310021")


def test_id_tail() -> None:
    assert id_tail(PUBLISHED_FEMALE) == "002X"
