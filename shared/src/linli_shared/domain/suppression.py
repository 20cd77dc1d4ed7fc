"""Small cells hidden from those who may see aggregates only (officers): pure rules, no I/O.

A figure behind which 1 to `below - 1` people (or households) stand is suppressed: it could point at
someone. Zero is shown: "nobody here" points at no one. Figures that add up (communities to their
street, visit reasons to the visits) form rows, and a row's total minus its shown cells is the sum of
the hidden ones; so while one hidden cell would follow from that sum, the smallest shown non-zero cells
of the row are hidden too (complementary suppression), or else the total. Every hidden cell is non-zero,
so a reader who knows these rules learns only that the hidden cells sum to what is left.

Every service applies these same rules with the one threshold `LINLI_SUPPRESS_BELOW`, so asking another
service (or another level of the org tree) for the same count gives no more away.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from linli_shared.auth import Access, Principal

DEFAULT_BELOW = 5

Value = int | float | str | None


def sees_exact_figures(principal: Principal) -> bool:
    """Who may read the people behind a number may read the number; an officer sees aggregates only."""
    return bool(principal.roles & Access.READ.value)


def total(values: Sequence[Value]) -> Value:
    """A roll-up cell: exactly the sum of its parts' numbers; text cells do not add up."""
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    if not numbers:
        return None
    if all(isinstance(v, int) for v in numbers):
        return sum(numbers)
    return round(sum(float(v) for v in numbers), 2)


@dataclass(frozen=True)
class Figure:
    """One computed cell: its value, and how many people (or households) stand behind it."""

    value: Value
    people: int


def count(n: int) -> Figure:
    """A head count: the people behind it are the number itself."""
    return Figure(n, n)


@dataclass(frozen=True)
class Row:
    """Cells that add up to a total, as shown: which cells are hidden, and the total."""

    hidden: frozenset[int]
    total: Value
    total_hidden: bool


def small(people: int, below: int) -> bool:
    return 0 < people < below


def protect_row(figures: Sequence[Figure], below: int, forced: Iterable[int] = ()) -> Row:
    """Hide the small cells of one row (and `forced` ones, hidden elsewhere), and enough others that
    none of them follows from the total."""
    exact = total([f.value for f in figures])
    hidden = {i for i, f in enumerate(figures) if small(f.people, below)} | set(forced)
    if small(sum(f.people for f in figures), below):
        return Row(frozenset(hidden), exact, True)
    shown = sorted((i for i, f in enumerate(figures) if i not in hidden and _non_zero(f.value)),
                   key=lambda i: (figures[i].value, i))
    while hidden and _follows(figures, hidden) and shown:
        hidden.add(shown.pop(0))
    return Row(frozenset(hidden), exact, bool(hidden) and _follows(figures, hidden))


def _follows(figures: Sequence[Figure], hidden: set[int]) -> bool:
    """Whether a hidden cell can be worked out from the hidden cells' sum (each of them at least 1)."""
    values = [figures[i].value for i in hidden]
    if len(values) < 2:
        return True
    return all(isinstance(v, int) for v in values) and sum(v for v in values if isinstance(v, int)) == len(values)


def _non_zero(value: Value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value != 0


@dataclass(frozen=True)
class Table:
    """A run's computed cells as an officer sees them: per column the hidden keys, and the row totals."""

    hidden: list[frozenset[str]]
    totals: dict[str, Value]  # None where the total is hidden
    totals_hidden: frozenset[str]


def protect_table(columns: Sequence[dict[str, Figure]], keys: Sequence[str], below: int) -> Table:
    """Every row (indicator) of a run protected on its own; the columns are the run's communities."""
    hidden: list[set[str]] = [set() for _ in columns]
    totals: dict[str, Value] = {}
    totals_hidden: set[str] = set()
    for key in keys:
        row = protect_row([column.get(key, Figure(None, 0)) for column in columns], below)
        for i in row.hidden:
            hidden[i].add(key)
        totals[key] = None if row.total_hidden else row.total
        if row.total_hidden:
            totals_hidden.add(key)
    return Table([frozenset(h) for h in hidden], totals, frozenset(totals_hidden))


Sum = tuple[Sequence[str], str]  # the names of some cells, and the name of the cell they add up to


def protect_cells(cells: Mapping[str, Figure], sums: Iterable[Sum], below: int) -> frozenset[str]:
    """The names of the cells to hide, where cells are tied by sums (a street is the sum of its
    communities and a part of its district; visits by reason add up to the visits).

    Small cells are hidden; every sum is then protected as a row, with the cells already hidden
    elsewhere forced, until nothing changes. A hidden total is a secret only if its parts do not add up
    to it in the open: when none of them is hidden, its smallest non-zero part is, and the row is
    protected as if the total were shown. A cell named in a sum but absent from `cells` counts as 0.
    """
    sums = [(tuple(parts), whole) for parts, whole in sums]
    hidden = {name for name, f in cells.items() if small(f.people, below)}
    changed = True
    while changed:  # each pass only adds to `hidden`, so this ends within len(cells) passes
        before = len(hidden)
        for parts, whole in sums:
            hidden |= _protect_sum(cells, parts, whole, hidden, below)
        changed = len(hidden) != before
    return frozenset(hidden)


def _protect_sum(cells: Mapping[str, Figure], parts: tuple[str, ...], whole: str, hidden: set[str],
                 below: int) -> set[str]:
    figures = [cells.get(p, Figure(0, 0)) for p in parts]
    forced = {i for i, p in enumerate(parts) if p in hidden}
    if whole in hidden:
        if forced or not any(_non_zero(f.value) for f in figures):
            return set()
        forced = {min((i for i, f in enumerate(figures) if _non_zero(f.value)), key=lambda i: (figures[i].value, i))}
    row = protect_row(figures, below, forced)
    return {parts[i] for i in row.hidden} | ({whole} if row.total_hidden else set())
