"""Small cells hidden from those who may see aggregates only (officers): pure rules, no I/O.

A computed cell behind which 1 to `below - 1` people (or households) stand is suppressed: it could
point at someone. Zero is shown: "nobody here" points at no one. A run's cells form one table per
indicator (one column per community, and their total), and the total minus the shown cells is the sum
of the hidden ones; so while one hidden cell would follow from that sum, the smallest shown non-zero
cells of the row are hidden too (complementary suppression), or else the total. Every hidden cell is
non-zero, so a reader who knows these rules learns only that the hidden cells sum to what is left.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from linli_reports.domain.compute import Value, total

DEFAULT_BELOW = 5


@dataclass(frozen=True)
class Figure:
    """One computed cell: its value, and how many people (or households) stand behind it."""

    value: Value
    people: int


@dataclass(frozen=True)
class Row:
    """One indicator across a run's communities, as shown: which columns are hidden, and the total."""

    hidden: frozenset[int]
    total: Value
    total_hidden: bool


def small(people: int, below: int) -> bool:
    return 0 < people < below


def protect_row(figures: Sequence[Figure], below: int) -> Row:
    """Hide the small cells of one row, and enough others that none of them follows from the total."""
    exact = total([f.value for f in figures])
    hidden = {i for i, f in enumerate(figures) if small(f.people, below)}
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
