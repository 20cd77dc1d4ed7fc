from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from linli_shared.domain.ages import age_on, born_on_or_before_for_age


@pytest.mark.parametrize(
    ("birth", "as_of", "expected"),
    [
        (date(1990, 6, 15), date(1990, 6, 15), 0),
        (date(1990, 6, 15), date(2020, 6, 14), 29),
        (date(1990, 6, 15), date(2020, 6, 15), 30),
        (date(1990, 12, 31), date(2021, 1, 1), 30),
        # 29 February: the birthday falls on 1 March in common years.
        (date(2000, 2, 29), date(2001, 2, 28), 0),
        (date(2000, 2, 29), date(2001, 3, 1), 1),
        (date(2000, 2, 29), date(2004, 2, 28), 3),
        (date(2000, 2, 29), date(2004, 2, 29), 4),
        (date(1964, 2, 29), date(2014, 2, 28), 49),
        (date(1964, 2, 29), date(2014, 3, 1), 50),
    ],
)
def test_age_on_counts_completed_years(birth: date, as_of: date, expected: int) -> None:
    assert age_on(birth, as_of) == expected


def test_age_on_refuses_an_as_of_date_before_birth() -> None:
    with pytest.raises(ValueError, match="as_of before birth_date"):
        age_on(date(2000, 1, 2), date(2000, 1, 1))


@pytest.mark.parametrize(
    ("age", "as_of", "expected"),
    [
        (0, date(2024, 6, 15), date(2024, 6, 15)),
        (60, date(2024, 6, 15), date(1964, 6, 15)),
        # Born 2000-02-29, one is only 22 on 2023-02-28.
        (23, date(2023, 2, 28), date(2000, 2, 28)),
        (24, date(2024, 2, 29), date(2000, 2, 29)),
        (23, date(2024, 2, 29), date(2001, 2, 28)),
    ],
)
def test_born_on_or_before_for_age(age: int, as_of: date, expected: date) -> None:
    assert born_on_or_before_for_age(age, as_of) == expected


def test_born_on_or_before_for_age_refuses_negative_ages() -> None:
    with pytest.raises(ValueError, match="age must not be negative"):
        born_on_or_before_for_age(-1, date(2024, 1, 1))


def _reference_age(birth: date, as_of: date) -> int:
    """Count birthdays passed, with a 29 February birthday moved to 1 March in common years."""
    def birthday(year: int) -> date:
        try:
            return birth.replace(year=year)
        except ValueError:
            return date(year, 3, 1)

    return sum(1 for year in range(birth.year + 1, as_of.year + 1) if birthday(year) <= as_of)


def _random_date(rng: random.Random, start: date, end: date) -> date:
    # Dates around the end of February are where age rules go wrong; weight them.
    if rng.random() < 0.5:
        year = rng.randint(start.year + 1, end.year - 1)
        return date(year, 2, 27) + timedelta(days=rng.randint(0, 3 if year % 4 == 0 else 2))
    return start + timedelta(days=rng.randint(0, (end - start).days))


def _random_pairs(count: int) -> list[tuple[date, date]]:
    rng = random.Random(20240229)
    pairs = []
    for _ in range(count):
        birth = _random_date(rng, date(1900, 1, 1), date(2030, 12, 31))
        as_of = _random_date(rng, birth, date(2040, 12, 31))
        pairs.append((birth, as_of))
    return pairs


def test_age_on_agrees_with_counting_birthdays() -> None:
    for birth, as_of in _random_pairs(3000):
        assert age_on(birth, as_of) == _reference_age(birth, as_of), (birth, as_of)


def test_born_on_or_before_for_age_is_the_exact_bound_of_age_on() -> None:
    for birth, as_of in _random_pairs(3000):
        age = age_on(birth, as_of)
        for asked in range(max(age - 2, 0), age + 3):
            bound = born_on_or_before_for_age(asked, as_of)
            assert (age >= asked) == (birth <= bound), (birth, as_of, asked)
            # The bound itself qualifies and the day after it does not.
            assert age_on(bound, as_of) >= asked
            if bound < as_of:
                assert age_on(bound + timedelta(days=1), as_of) < asked
