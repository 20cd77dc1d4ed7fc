"""Employment statistics as an officer sees them: small cells suppressed (pure, no I/O).

Each figure is protected by the residents behind it, counted once however many referrals, placements
or enrollments they have. The 4050 figures are parts of their totals (the rest being everyone else),
and the trainees by cohort and the completed trainings both split the same enrollments, so those rows
get complementary suppression (linli_shared.domain.suppression).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from linli_shared.domain.suppression import Figure, Sum, protect_cells

HARD_TO_EMPLOY = "hard_to_employ_4050"
# Each total and its 4050 part, as the statistics name them.
SPLITS = (("seekers", "seekers_4050"), ("referrals", "referrals_4050"), ("placements", "placed_4050"))

Docs = Sequence[Mapping[str, Any]]


def is_4050(doc: Mapping[str, Any]) -> bool:
    return HARD_TO_EMPLOY in doc.get("priority_groups", [])


def _figure(docs: Iterable[Mapping[str, Any]]) -> Figure:
    docs = list(docs)
    return Figure(len(docs), len({d.get("resident_id") or d["_id"] for d in docs}))


def cells_of(seekers: Docs, referrals: Docs, placements: Docs,
             enrollments: Docs) -> tuple[dict[str, Figure], list[Sum]]:
    """Every figure with the residents behind it, and the sums that tie them (some cells are never shown:
    the non-4050 rest of a total, the enrollments)."""
    cells: dict[str, Figure] = {}
    sums: list[Sum] = []
    for (total, part), docs in zip(SPLITS, (seekers, referrals, placements), strict=True):
        cells |= {total: _figure(docs), part: _figure(d for d in docs if is_4050(d)),
                  f"{total}_rest": _figure(d for d in docs if not is_4050(d))}
        sums.append(([part, f"{total}_rest"], total))
    cohorts = sorted({e["cohort"] for e in enrollments})
    cells |= {f"trainees_by_cohort.{c}": _figure(e for e in enrollments if e["cohort"] == c) for c in cohorts}
    cells |= {"enrollments": _figure(enrollments),
              "trainings_completed": _figure(e for e in enrollments if e["status"] == "completed"),
              "trainings_not_completed": _figure(e for e in enrollments if e["status"] != "completed")}
    sums += [([f"trainees_by_cohort.{c}" for c in cohorts], "enrollments"),
             (["trainings_completed", "trainings_not_completed"], "enrollments")]
    return cells, sums


def as_seen_by_officer(stats: dict[str, Any], cells: dict[str, Figure], sums: list[Sum], below: int) -> dict[str, Any]:
    """`stats` with each hidden figure null and named (dotted) in `suppressed`."""
    hidden = protect_cells(cells, sums, below)
    seen = {**stats, "trainees_by_cohort": {c: None if f"trainees_by_cohort.{c}" in hidden else n
                                            for c, n in stats["trainees_by_cohort"].items()}}
    shown = [*(k for pair in SPLITS for k in pair), "trainings_completed"]
    for key in shown:
        if key in hidden:
            seen[key] = None
    cohorts = [f"trainees_by_cohort.{c}" for c in stats["trainees_by_cohort"]]
    suppressed = [k for k in (*shown, *cohorts) if k in hidden]
    return {**seen, "suppressed": suppressed, "suppressed_below": below}
