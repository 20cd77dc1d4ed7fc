"""Small cells for officers, on hand-made rows: what is hidden, and that no hidden cell follows from the total."""
import random
from datetime import date

import pytest
from pydantic import ValidationError

from linli_reports.domain.compute import CommunityFacts, compute
from linli_reports.domain.indicators import Template
from linli_reports.domain.suppression import Figure, protect_row, protect_table
from linli_reports.settings import ReportsSettings


def row(*counts: int, below: int = 5):
    return protect_row([Figure(n, n) for n in counts], below)


def test_a_cell_of_1_to_threshold_minus_1_people_is_hidden_and_0_or_the_threshold_is_shown():
    shown = row(0, 5, 7, 9)
    assert shown.hidden == frozenset() and (shown.total, shown.total_hidden) == (21, False)
    assert row(1, 0, 40, 50).hidden >= {0} and row(4, 0, 40, 50).hidden >= {0}


def test_one_hidden_cell_hides_the_smallest_shown_non_zero_cell_too_so_the_total_does_not_give_it_away():
    protected = row(3, 0, 12, 7)
    assert protected.hidden == {0, 3} and (protected.total, protected.total_hidden) == (22, False)


def test_hidden_cells_that_could_only_be_ones_take_another_cell_with_them():
    protected = row(1, 1, 9, 30)  # 1 + 1 = 2 over two hidden cells: each would be 1
    assert protected.hidden == {0, 1, 2} and not protected.total_hidden


def test_a_total_that_nothing_else_can_cover_is_hidden():
    assert row(3, 0, 0).total_hidden  # 3 people in all: the total itself is small
    alone = row(1, 1, 1, 1, 1)  # five ones and nothing shown to hide with them
    assert alone.hidden == {0, 1, 2, 3, 4} and alone.total_hidden


def test_a_sum_of_money_is_hidden_by_the_people_behind_it_not_its_amount():
    protected = protect_row([Figure(850.0, 2), Figure(1200.5, 9), Figure(300.0, 6)], 5)
    assert protected.hidden == {0, 2} and protected.total == 2350.5 and not protected.total_hidden


def test_no_hidden_cell_ever_follows_from_the_shown_cells_and_the_total():
    rng = random.Random(18)
    for _ in range(2000):
        counts = [rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 9, 20]) for _ in range(rng.randint(1, 6))]
        protected = row(*counts)
        assert {i for i, n in enumerate(counts) if 0 < n < 5} <= protected.hidden, counts
        assert all(counts[i] > 0 for i in protected.hidden), counts  # zero is never hidden: no rule to undo
        if protected.hidden and not protected.total_hidden:
            left = [counts[i] for i in protected.hidden]  # what total minus the shown cells spreads over
            assert len(left) >= 2 and sum(left) > len(left), counts


def test_a_table_protects_each_indicator_on_its_own_and_hides_the_same_cell_in_every_column_view():
    columns = [{"elderly": Figure(3, 3), "unemployed": Figure(0, 0)},
               {"elderly": Figure(5, 5), "unemployed": Figure(12, 12)}]
    table = protect_table(columns, ["elderly", "unemployed"], 5)
    assert table.hidden == [frozenset({"elderly"}), frozenset({"elderly"})]
    assert table.totals == {"elderly": 8, "unemployed": 12} and table.totals_hidden == frozenset()


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


def test_the_threshold_is_read_from_LINLI_REPORTS_SUPPRESS_BELOW_and_cannot_be_turned_off(monkeypatch):
    monkeypatch.delenv("LINLI_REPORTS_SUPPRESS_BELOW", raising=False)
    assert ReportsSettings().suppress_below == 5
    monkeypatch.setenv("LINLI_REPORTS_SUPPRESS_BELOW", "10")
    assert ReportsSettings().suppress_below == 10
    for useless in ("1", "0", "many"):
        monkeypatch.setenv("LINLI_REPORTS_SUPPRESS_BELOW", useless)
        with pytest.raises(ValidationError, match="LINLI_REPORTS_SUPPRESS_BELOW"):
            ReportsSettings()
