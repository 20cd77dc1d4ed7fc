"""From ledger rows to households (户): which rows belong together and what the household must look like.

Ledgers write a household's address, grid and allowance on one member's row and leave the others
blank (often a vertically merged cell), so a blank cell inherits; two different non-blank values in
one household are a conflict the worker must resolve.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from linli_registry.domain.ledger import LedgerRow, RowError

ADDRESS = ("estate", "building", "unit", "room")
HOUSEHOLD_FIELDS = (*ADDRESS, "grid", "housing", "low_income_monthly_cny")


def household_key(row: LedgerRow) -> str | None:
    """户编号 if given; otherwise the address, so re-importing the same rows finds the same household.

    None: the resident belongs to no household (neither a number nor an address on the row).
    """
    if row.household_ref:
        return f"ref:{row.household_ref}"
    parts = [getattr(row, part) or "" for part in ADDRESS]
    return "addr:" + "|".join(parts) if any(parts) else None


@dataclass
class HouseholdPlan:
    key: str
    ref: str | None
    rows: list[LedgerRow]
    values: dict[str, Any] = field(default_factory=dict)  # the household fields the ledger states
    present: frozenset[str] = frozenset()  # household columns the file has (a present blank clears)

    @property
    def address(self) -> dict[str, str | None] | None:
        if not self.present & set(ADDRESS):
            return None
        return {part: self.values.get(part) for part in ADDRESS}


def plan_household(key: str, rows: list[LedgerRow], community: str,
                   grids: frozenset[str]) -> tuple[HouseholdPlan | None, list[RowError]]:
    """The household the rows describe, or the errors that keep the whole household out."""
    plan = HouseholdPlan(key=key, ref=rows[0].household_ref, rows=rows,
                         present=rows[0].present & set(HOUSEHOLD_FIELDS))
    errors: list[RowError] = []
    for name in HOUSEHOLD_FIELDS:
        value, conflict = _one_value(rows, name, community if name == "grid" else None)
        errors.extend(conflict)
        plan.values[name] = value
    if plan.values.get("grid"):
        grid, error = grid_code(plan.values["grid"], community, grids)
        plan.values["grid"] = grid
        if error:
            errors.append(RowError(_first_row_with(rows, "grid"), "grid", "import.grid.unknown", error))
    return (None if errors else plan), errors


def _one_value(rows: list[LedgerRow], name: str, community: str | None = None) -> tuple[Any, list[RowError]]:
    stated = [(r.row, getattr(r, name)) for r in rows if getattr(r, name) not in (None, "")]
    if not stated:
        return None, []
    first_row, first = stated[0]

    def same(value: Any) -> bool:  # "03" and "…-03" are one grid
        if community is None:
            return value == first
        return grid_code(value, community, frozenset())[0] == grid_code(first, community, frozenset())[0]

    return first, [RowError(row, name, "import.household.conflict",
                            f"同一户的第{first_row}行为“{first}”，本行为“{value}”，请统一 "
                            f"(rows of one household disagree on {name})")
                   for row, value in stated[1:] if not same(value)]


def _first_row_with(rows: list[LedgerRow], name: str) -> int:
    return next(r.row for r in rows if getattr(r, name) not in (None, ""))


def grid_code(value: str, community: str, grids: frozenset[str]) -> tuple[str, str | None]:
    """"3", "03", "第3网格" or the full code "…-03" → the grid's code; an error if the community has no such grid."""
    parts = re.fullmatch(r"(?:(\d{12})-|第)?0*(\d{1,3})(?:网格)?", value.strip())
    code = f"{parts.group(1) or community}-{int(parts.group(2)):02d}" if parts else value.strip()
    if code in grids:
        return code, None
    known = "、".join(sorted(g.rsplit("-", 1)[-1] for g in grids)) or "无"
    return code, f"本社区没有网格“{value}”，已登记的网格：{known} (unknown grid)"


def household_skipped(row: int, because_of: int) -> RowError:
    """A good row kept out because another row of its household is bad: a household goes in whole or not at all."""
    return RowError(row, None, "import.household.skipped",
                    f"同户第{because_of}行有错误，整户未导入 (household skipped because of row {because_of})")


def household_warnings(plan: HouseholdPlan) -> list[RowError]:
    heads = [r.row for r in plan.rows if r.relation_to_head == "head"]
    return [RowError(row, "relation_to_head", "import.household.two_heads",
                     f"同一户有{len(heads)}位户主（第{heads[0]}行起）(more than one head of household)")
            for row in heads[1:]]
