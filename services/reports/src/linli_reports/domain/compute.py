"""Computing a template for one community: every indicator's value and the ids behind it (pure, no I/O)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from linli_shared.domain.ages import age_on
from linli_shared.domain.groups import (
    DEFAULT_RULES,
    HOUSEHOLD_GROUPS,
    GroupRules,
    PersonFacts,
    group_members,
    household_facts_from,
    person_facts_from,
)
from linli_shared.domain.suppression import Value, total  # noqa: F401 (the roll-up sums with it)

from linli_reports.domain.indicators import Filters, Indicator, Template

HARD_TO_EMPLOY = "hard_to_employ_4050"


@dataclass
class CommunityFacts:
    """A community's projection, as the store holds it (ISO dates)."""

    residents: list[dict[str, Any]] = field(default_factory=list)
    households: list[dict[str, Any]] = field(default_factory=list)
    visits: list[dict[str, Any]] = field(default_factory=list)  # _id, resident_id, reason, visited_on, met, aid
    referrals: list[dict[str, Any]] = field(default_factory=list)  # _id, referred_on, priority_groups
    placements: list[dict[str, Any]] = field(default_factory=list)  # _id, start_date, priority_groups


@dataclass
class Cell:
    value: Value
    kind: str | None = None  # what the lineage lists: residents, households, visits, referrals, placements
    ids: list[str] = field(default_factory=list)
    people: int = 0  # how many people (households, for household groups) stand behind it: small cells hide


class _Population:
    """Group members and person facts on one day, computed once for all the template's indicators."""

    def __init__(self, facts: CommunityFacts, as_of: date, rules: GroupRules) -> None:
        self.as_of = as_of
        self.residents = {r["_id"]: r for r in facts.residents}
        self.persons: dict[str, PersonFacts] = {r["_id"]: person_facts_from(r) for r in facts.residents}
        self.households = {h["_id"]: h for h in facts.households}
        self.members = group_members(self.persons.values(), [household_facts_from(h) for h in facts.households],
                                     as_of, rules)

    def grid_of(self, resident: dict[str, Any]) -> str | None:
        household = self.households.get(resident.get("household_id") or "")
        return resident.get("grid") or (household or {}).get("grid")

    def person_passes(self, resident_id: str, filters: Filters, on: date | None = None) -> bool:
        resident, person = self.residents.get(resident_id), self.persons.get(resident_id)
        if resident is None or person is None:
            return False
        day = on or self.as_of
        if filters.grid is not None and self.grid_of(resident) != filters.grid:
            return False
        if filters.residence_type is not None and person.residence_type != filters.residence_type:
            return False
        if filters.gender is not None and person.gender != filters.gender:
            return False
        if filters.min_age is None and filters.max_age is None:
            return True
        if person.birth_date > day:
            return False
        age = age_on(person.birth_date, day)
        low, high = filters.min_age, filters.max_age
        return (low is None or age >= low) and (high is None or age <= high)

    def household_passes(self, household_id: str, filters: Filters) -> bool:
        if filters.grid is None:
            return True
        return (self.households.get(household_id) or {}).get("grid") == filters.grid


def compute(template: Template, facts: CommunityFacts, start: date, end: date, as_of: date,
            rules: GroupRules = DEFAULT_RULES) -> dict[str, Cell]:
    """Every indicator of `template` for one community: registry groups on `as_of`, activity in [start, end]."""
    population = _Population(facts, as_of, rules)
    window = (start.isoformat(), end.isoformat())
    return {ind.key: _cell(ind, facts, population, window) for ind in template.indicators}


def _cell(ind: Indicator, facts: CommunityFacts, population: _Population, window: tuple[str, str]) -> Cell:
    if ind.source == "manual":
        return Cell(None)
    if ind.source == "registry_group":
        assert ind.group is not None
        if ind.group in HOUSEHOLD_GROUPS:
            ids = sorted(h for h in population.members[ind.group] if population.household_passes(h, ind.filters))
            return Cell(len(ids), "households", ids, len(ids))
        ids = sorted(r for r in population.members[ind.group] if population.person_passes(r, ind.filters))
        return Cell(len(ids), "residents", ids, len(ids))
    if ind.source == "visits":
        return _visits(ind, facts, population, window)
    return _employment(ind, facts, window)


def _visits(ind: Indicator, facts: CommunityFacts, population: _Population, window: tuple[str, str]) -> Cell:
    chosen = [v for v in facts.visits
              if window[0] <= v["visited_on"] <= window[1] and (ind.reason is None or v["reason"] == ind.reason)
              and (ind.filters == Filters() or
                   population.person_passes(v["resident_id"], ind.filters, date.fromisoformat(v["visited_on"])))]
    if ind.metric == "visits.met":
        chosen = [v for v in chosen if v["met"]]
    elif ind.metric == "visits.residents":
        residents = sorted({v["resident_id"] for v in chosen if v["met"]})
        return Cell(len(residents), "residents", residents, len(residents))
    ids = sorted(v["_id"] for v in chosen)
    if ind.metric == "visits.aid_total_cny":
        given = [v for v in chosen if v.get("aid_total_cny")]
        return Cell(round(sum(float(v.get("aid_total_cny") or 0) for v in chosen), 2), "visits",
                    sorted(v["_id"] for v in given), _people(given))
    return Cell(len(ids), "visits", ids, _people(chosen))


def _employment(ind: Indicator, facts: CommunityFacts, window: tuple[str, str]) -> Cell:
    metric = ind.metric or ""
    docs, day, kind = ((facts.referrals, "referred_on", "referrals") if metric.startswith("employment.referrals")
                       else (facts.placements, "start_date", "placements"))
    chosen = [d for d in docs if window[0] <= d[day] <= window[1]]
    if metric.endswith("_4050"):
        chosen = [d for d in chosen if HARD_TO_EMPLOY in d.get("priority_groups", [])]
    ids = sorted(d["_id"] for d in chosen)
    return Cell(len(ids), kind, ids, _people(chosen))


def _people(docs: list[dict[str, Any]]) -> int:
    """The residents behind visits, referrals or placements: one person visited three times is one."""
    return len({d.get("resident_id") or d["_id"] for d in docs})


