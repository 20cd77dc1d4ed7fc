"""The statistics an officer sees: one protected table per district, whatever level they ask for (pure).

A street's figure is the sum of its communities' and the district's the sum of its streets', and an
officer may ask for each of them. So the cells hidden from officers are worked out once over the
whole district (communities, streets and the district, tied by those sums), and every page shows its
part of that one answer: a community's own page hides what its street's breakdown hides, and no page
can be subtracted from another to give a hidden figure.
"""
from __future__ import annotations

from collections import defaultdict

from linli_shared.domain.groups import GROUPS
from linli_shared.domain.suppression import Figure, Sum, count, protect_cells

STREET_DIGITS, DISTRICT_DIGITS = 9, 6


def hidden_in_district(per_community: dict[str, dict[str, int]], below: int) -> dict[str, frozenset[str]]:
    """For each group, the org codes (communities, streets, the district) whose figure officers do not see.

    `per_community` is every community of one district; a street or district without any counts 0.
    """
    streets: dict[str, list[str]] = defaultdict(list)
    for community in sorted(per_community):
        streets[community[:STREET_DIGITS]].append(community)
    districts = {street[:DISTRICT_DIGITS] for street in streets}
    sums: list[Sum] = [(communities, street) for street, communities in streets.items()]
    sums += [([s for s in streets if s.startswith(d)], d) for d in districts]
    return {group: protect_cells(_cells(per_community, streets, districts, group), sums, below) for group in GROUPS}


def _cells(per_community: dict[str, dict[str, int]], streets: dict[str, list[str]], districts: set[str],
           group: str) -> dict[str, Figure]:
    cells = {c: count(counts.get(group, 0)) for c, counts in per_community.items()}
    for street, communities in streets.items():
        cells[street] = count(sum(cells[c].people for c in communities))
    for district in districts:
        cells[district] = count(sum(cells[s].people for s in streets if s.startswith(district)))
    return cells


def as_seen(statistics: dict[str, int], org_code: str, hidden: dict[str, frozenset[str]]
            ) -> tuple[dict[str, int | None], list[str]]:
    """One org's figures with the hidden ones null, and their keys."""
    suppressed = [group for group in statistics if org_code in hidden.get(group, frozenset())]
    return {k: None if k in suppressed else v for k, v in statistics.items()}, suppressed
