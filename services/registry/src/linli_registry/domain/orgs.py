"""Org codes (统计用区划代码): district 6 digits, street 9, community 12, grid = community + '-' + number."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

OrgLevel = Literal["district", "street", "community", "grid"]
_LEVELS: dict[int, OrgLevel] = {6: "district", 9: "street", 12: "community"}
_GRID = re.compile(r"([0-9]{12})-([0-9]{1,3})")  # fullmatch; ASCII digits only


class OrgCodeError(ValueError):
    code = "org.code.invalid"


@dataclass(frozen=True)
class OrgCode:
    code: str
    level: OrgLevel
    parent: str | None

    @property
    def community(self) -> str | None:
        """The 12-digit community a node belongs to (itself or its grid's), None above communities."""
        return self.code[:12] if self.level in ("community", "grid") else None


def parse_org_code(code: str) -> OrgCode:
    grid = _GRID.fullmatch(code)
    if grid:
        return OrgCode(code, "grid", grid.group(1))
    if not code.isdigit() or len(code) not in _LEVELS or not code.isascii():
        raise OrgCodeError(f"{code!r} is not a district (6 digits), street (9), community (12) "
                           "or grid (community-NN) code")
    level = _LEVELS[len(code)]
    return OrgCode(code, level, None if level == "district" else code[: len(code) - 3])


def is_grid_of(grid: str, community: str) -> bool:
    match = _GRID.fullmatch(grid)
    return bool(match) and match.group(1) == community
