"""Small cells for officers, on hand-made rows and trees: what is hidden, and that no hidden cell follows
from a total that is shown."""
import random

import pytest
from pydantic import ValidationError

from linli_shared.auth import Principal
from linli_shared.domain.suppression import Figure, count, protect_cells, protect_row, protect_table, sees_exact_figures
from linli_shared.settings import ServiceSettings


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


def test_a_cell_hidden_elsewhere_is_forced_hidden_and_protected_like_a_small_one():
    protected = protect_row([count(40), count(12), count(30)], 5, forced=[0])
    assert protected.hidden == {0, 1} and not protected.total_hidden


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


def _tree(streets: dict[str, list[int]]) -> tuple[dict[str, Figure], list]:
    """A district of streets of communities, as cells tied by sums."""
    cells, sums = {}, []
    for street, communities in streets.items():
        names = [f"{street}.{n}" for n in range(len(communities))]
        cells |= {name: count(n) for name, n in zip(names, communities, strict=True)}
        cells[street] = count(sum(communities))
        sums.append((names, street))
    cells["district"] = count(sum(cells[s].people for s in streets))
    sums.append((list(streets), "district"))
    return cells, sums


def test_a_street_hidden_beside_a_small_street_hides_two_of_its_communities_or_it_would_be_their_sum():
    cells, sums = _tree({"a": [1, 2], "b": [20, 30, 40]})  # street a is 3 people: small
    hidden = protect_cells(cells, sums, 5)
    assert {"a", "a.0", "a.1", "b"} <= hidden  # b is hidden so that district minus b does not give a
    assert {"b.0", "b.1"} <= hidden and "b.2" not in hidden and "district" not in hidden


def test_no_hidden_cell_of_a_tree_follows_from_the_totals_shown_at_any_level():
    rng = random.Random(18)
    for _ in range(500):
        streets = {f"s{i}": [rng.choice([0, 1, 2, 3, 6, 9, 30]) for _ in range(rng.randint(1, 4))]
                   for i in range(rng.randint(1, 4))}
        cells, sums = _tree(streets)
        hidden = protect_cells(cells, sums, 5)
        assert {n for n, f in cells.items() if 0 < f.people < 5} <= hidden, streets
        assert all(cells[n].people > 0 for n in hidden), streets
        for parts, whole in sums:
            left = [cells[p].people for p in parts if p in hidden]
            if whole not in hidden and left:  # what the shown total minus the shown parts spreads over
                assert len(left) >= 2 and sum(left) > len(left), (streets, whole)
            if whole in hidden and any(cells[p].people for p in parts):
                assert left, (streets, whole)  # a hidden total is not the sum of shown parts


def test_cells_tied_by_no_sum_are_hidden_only_when_small():
    cells = {"seekers": count(3), "placements": count(12), "trainees": count(0)}
    assert protect_cells(cells, [], 5) == {"seekers"}


def test_workers_admins_and_services_see_exact_figures_and_officers_do_not():
    def who(*roles: str) -> Principal:
        return Principal(sub="x", roles=frozenset(roles), scope=("130303",))

    assert all(sees_exact_figures(who(role)) for role in ("worker", "admin", "service"))
    assert sees_exact_figures(who("officer", "admin")) and not sees_exact_figures(who("officer"))


def test_the_threshold_is_read_from_LINLI_SUPPRESS_BELOW_by_every_service_and_cannot_be_turned_off(monkeypatch):
    monkeypatch.delenv("LINLI_SUPPRESS_BELOW", raising=False)
    assert ServiceSettings().suppress_below == 5
    monkeypatch.setenv("LINLI_SUPPRESS_BELOW", "10")
    assert ServiceSettings().suppress_below == 10
    for useless in ("1", "0", "101", "many"):
        monkeypatch.setenv("LINLI_SUPPRESS_BELOW", useless)
        with pytest.raises(ValidationError, match="LINLI_SUPPRESS_BELOW"):
            ServiceSettings()
