"""Visit statistics as an officer sees them: small cells suppressed (pure, no I/O).

Each figure is protected by the residents behind it, counted once however often they were visited:
coverage by the group's members, visited and not yet visited; visits, visits by reason and met visits
by the residents visited; aid by the residents who received it; overdue tasks by the residents they
are for. Reasons add up to the visits, met and not met to the visits, visited and not visited to the
members, so those rows get complementary suppression (linli_shared.domain.suppression).

Visits per worker are about staff, not residents, and stay shown; but they add up to the visits, so
they are hidden whenever the visits are.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from linli_shared.domain.suppression import Figure, Sum, count, protect_cells


@dataclass(frozen=True)
class People:
    """How many distinct residents stand behind each visit figure."""

    visited: int = 0
    met: int = 0
    not_met: int = 0
    aided: int = 0
    overdue: int = 0
    by_reason: dict[str, int] = field(default_factory=dict)


def people_behind(visits: Iterable[dict[str, Any]], overdue_tasks: Iterable[dict[str, Any]]) -> People:
    visits = list(visits)
    by_reason: dict[str, set[str]] = defaultdict(set)
    for v in visits:
        by_reason[v["reason"]].add(v["resident_id"])

    def residents(docs: Iterable[dict[str, Any]]) -> int:
        return len({d["resident_id"] for d in docs})

    return People(visited=residents(visits), met=residents(v for v in visits if v["met"]),
                  not_met=residents(v for v in visits if not v["met"]),
                  aided=residents(v for v in visits if v["aid_total_cny"]), overdue=residents(overdue_tasks),
                  by_reason={reason: len(ids) for reason, ids in by_reason.items()})


def as_seen_by_officer(stats: dict[str, Any], people: People, below: int) -> dict[str, Any]:
    """`stats` with each hidden figure null and named (dotted) in `suppressed`."""
    cells, sums = _cells(stats, people)
    hidden = protect_cells(cells, sums, below)
    seen = {**stats, "coverage": {g: _coverage(g, c, hidden) for g, c in stats["coverage"].items()},
            "visits_by_reason": {r: None if f"visits_by_reason.{r}" in hidden else n
                                 for r, n in stats["visits_by_reason"].items()}}
    for key in ("visits", "met", "aid_total_cny", "overdue_tasks"):
        if key in hidden:
            seen[key] = None
    if "visits" in hidden:
        seen["per_worker"] = None
    suppressed = [name for name in _shown_names(stats) if _is_null(seen, name) and not _is_null(stats, name)]
    return {**seen, "suppressed": suppressed, "suppressed_below": below}


def _cells(stats: dict[str, Any], people: People) -> tuple[dict[str, Figure], list[Sum]]:
    cells = {"visits": Figure(stats["visits"], people.visited), "met": Figure(stats["met"], people.met),
             "not_met": Figure(stats["visits"] - stats["met"], people.not_met),
             "aid_total_cny": Figure(stats["aid_total_cny"], people.aided),
             "overdue_tasks": Figure(stats["overdue_tasks"], people.overdue)}
    cells |= {f"visits_by_reason.{r}": Figure(n, people.by_reason.get(r, n))
              for r, n in stats["visits_by_reason"].items()}
    sums: list[Sum] = [([f"visits_by_reason.{r}" for r in stats["visits_by_reason"]], "visits"),
                       (["met", "not_met"], "visits")]
    for group, c in stats["coverage"].items():
        at = f"coverage.{group}"
        cells |= {f"{at}.members": count(c["members"]), f"{at}.visited": count(c["visited"]),
                  f"{at}.not_visited": count(c["members"] - c["visited"])}
        sums.append(([f"{at}.visited", f"{at}.not_visited"], f"{at}.members"))
    return cells, sums


def _coverage(group: str, c: dict[str, Any], hidden: frozenset[str]) -> dict[str, Any]:
    members, visited = (None if f"coverage.{group}.{k}" in hidden else c[k] for k in ("members", "visited"))
    # The share times the members is the visited: it goes when either of them does.
    return {"members": members, "visited": visited,
            "share": None if members is None or visited is None else c["share"]}


def _shown_names(stats: dict[str, Any]) -> list[str]:
    names = [f"coverage.{g}.{k}" for g in stats["coverage"] for k in ("members", "visited", "share")]
    names += [f"visits_by_reason.{r}" for r in stats["visits_by_reason"]]
    return names + ["visits", "met", "aid_total_cny", "overdue_tasks", "per_worker"]


def _is_null(seen: dict[str, Any], name: str) -> bool:
    value: Any = seen
    for part in name.split("."):
        value = value[part]
    return value is None
