"""Employment statistics as an officer sees them: small cells suppressed (pure, no I/O).

Each figure is protected by the residents behind it, counted once however many referrals, placements
or enrollments they have. The 4050 figures are parts of their totals (the rest being everyone else),
and the trainees by cohort and the completed trainings both split the same enrollments, so those rows
get complementary suppression (linli_shared.domain.suppression). A street is the sum of its communities
and a district of its streets, so the cells are protected over the whole district (`hidden_in_district`).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from linli_shared.domain.suppression import Figure, Sum, protect_cells

HARD_TO_EMPLOY = "hard_to_employ_4050"
# Each total and its 4050 part, as the statistics name them.
SPLITS = (("seekers", "seekers_4050"), ("referrals", "referrals_4050"), ("placements", "placed_4050"))

Docs = Sequence[Mapping[str, Any]]
Records = tuple[Docs, Docs, Docs, Docs]  # seekers, referrals, placements, enrollments
STREET_DIGITS, DISTRICT_DIGITS = 9, 6


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


def hidden_in_district(records: Records, below: int) -> frozenset[str]:
    """The figures hidden from officers anywhere in one district, named `<org code>/<figure>`.

    A street's figures are the sums of its communities' and the district's of its streets', and an
    officer may ask for each; so the cells are protected once, tied by those sums as well as by each
    org's own, and every page shows its part of that one answer (no page subtracts from another).
    `records` are the district's seekers, referrals, placements and enrollments, with `community_code`.
    """
    communities = sorted({d["community_code"] for docs in records for d in docs})
    streets = sorted({c[:STREET_DIGITS] for c in communities})
    cells: dict[str, Figure] = {}
    sums: list[Sum] = []
    for org in (*communities, *streets, *sorted({s[:DISTRICT_DIGITS] for s in streets})):
        own, own_sums = cells_of(*(
            [d for d in docs if d["community_code"].startswith(org)] for docs in records))
        cells |= {f"{org}/{name}": figure for name, figure in own.items()}
        sums += [([f"{org}/{p}" for p in parts], f"{org}/{whole}") for parts, whole in own_sums]
    names = {name.split("/", 1)[1] for name in cells}
    for parent, children in ((s, [c for c in communities if c.startswith(s)]) for s in streets):
        sums += [([f"{c}/{n}" for c in children], f"{parent}/{n}") for n in names]
    for district in {s[:DISTRICT_DIGITS] for s in streets}:
        sums += [([f"{s}/{n}" for s in streets if s.startswith(district)], f"{district}/{n}") for n in names]
    return protect_cells(cells, sums, below)


def hidden_at(hidden: frozenset[str], org: str) -> frozenset[str]:
    """One org's part of a district's hidden figures."""
    return frozenset(name.split("/", 1)[1] for name in hidden if name.split("/", 1)[0] == org)


def as_seen_by_officer(stats: dict[str, Any], hidden: frozenset[str], below: int) -> dict[str, Any]:
    """`stats` with each `hidden` figure null and named (dotted) in `suppressed`."""
    seen = {**stats, "trainees_by_cohort": {c: None if f"trainees_by_cohort.{c}" in hidden else n
                                            for c, n in stats["trainees_by_cohort"].items()}}
    shown = [*(k for pair in SPLITS for k in pair), "trainings_completed"]
    for key in shown:
        if key in hidden:
            seen[key] = None
    cohorts = [f"trainees_by_cohort.{c}" for c in stats["trainees_by_cohort"]]
    suppressed = [k for k in (*shown, *cohorts) if k in hidden]
    return {**seen, "suppressed": suppressed, "suppressed_below": below}
