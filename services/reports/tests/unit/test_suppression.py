"""Small cells for officers in reports: the people behind a computed cell, and the threshold reports read.

The rules themselves are shared: shared/tests/domain/test_suppression.py."""
from datetime import date

import pytest
from pydantic import ValidationError

from linli_reports.domain.compute import CommunityFacts, compute
from linli_reports.domain.indicators import Template
from linli_reports.settings import ReportsSettings


def test_visits_count_the_people_behind_them_once_however_often_they_were_visited():
    facts = CommunityFacts(
        residents=[{"_id": "a", "household_id": "h", "gender": "female", "birth_date": "1940-01-01",
                    "status": "active"}],
        visits=[{"_id": f"v{n}", "resident_id": "a", "reason": "routine", "visited_on": "2026-06-0" + str(n + 1),
                 "met": True, "aid_total_cny": 100} for n in range(7)])
    template = Template.model_validate({"key": "t", "org_code": "130303001", "version": 1, "name": "表", "indicators": [
        {"key": "visits", "label": "走访", "source": "visits", "metric": "visits.count"},
        {"key": "aid", "label": "慰问金", "source": "visits", "metric": "visits.aid_total_cny"}]})
    cells = compute(template, facts, date(2026, 6, 1), date(2026, 6, 30), date(2026, 6, 30))
    assert (cells["visits"].value, cells["visits"].people) == (7, 1)
    assert (cells["aid"].value, cells["aid"].people) == (700.0, 1)


def test_reports_read_the_one_shared_threshold_LINLI_SUPPRESS_BELOW(monkeypatch):
    monkeypatch.setenv("LINLI_SUPPRESS_BELOW", "10")
    assert ReportsSettings().suppress_below == 10
    monkeypatch.setenv("LINLI_SUPPRESS_BELOW", "1")
    with pytest.raises(ValidationError, match="LINLI_SUPPRESS_BELOW"):
        ReportsSettings()
