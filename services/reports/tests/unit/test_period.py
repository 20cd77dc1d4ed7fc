from datetime import date

import pytest
from pydantic import ValidationError

from linli_reports.domain.period import Period


@pytest.mark.parametrize("period, bounds", [
    ({"kind": "month", "year": 2024, "number": 2}, (date(2024, 2, 1), date(2024, 2, 29), date(2024, 2, 29))),
    ({"kind": "quarter", "year": 2026, "number": 4}, (date(2026, 10, 1), date(2026, 12, 31), date(2026, 12, 31))),
    ({"kind": "year", "year": 2025}, (date(2025, 1, 1), date(2025, 12, 31), date(2025, 12, 31))),
    ({"kind": "as_of", "as_of": "2026-06-30"}, (date(2026, 6, 30),) * 3),
])
def test_bounds(period, bounds):
    assert Period.model_validate(period).bounds() == bounds


@pytest.mark.parametrize("period", [{"kind": "month", "year": 2026, "number": 13}, {"kind": "quarter", "year": 2026},
                                    {"kind": "year", "year": 2026, "number": 1}, {"kind": "as_of"},
                                    {"kind": "week", "year": 2026}])
def test_impossible_periods_are_refused(period):
    with pytest.raises(ValidationError):
        Period.model_validate(period)


def test_labels_are_chinese():
    assert Period(kind="quarter", year=2026, number=3).label() == "2026年第3季度"
