"""A community's residents and households as the group rules see them (only the fields the rules read).

Group listings and statistics need every resident of a community. Reading 3,000 of them after each
write was most of the registry store's time under load, so each process keeps the facts of its
recently used communities and brings them up to date from the community's change log
(`community_changes`): a write costs the next reader the few documents it changed.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from linli_shared.domain.groups import HouseholdFacts, PersonFacts, household_facts_from, person_facts_from
from linli_shared.kept import KeptPartitions

from linli_registry.storage.community_changes import COMMUNITY_LOG
from linli_registry.storage.indexes import HOUSEHOLDS, RESIDENTS

# Statistics over a district must not drag whole documents along.
FACT_FIELDS = {"household_id": 1, "gender": 1, "birth_date": 1, "employment_status": 1, "residence_type": 1,
               "status": 1, "left_on": 1, "disability": 1, "retired_cadre": 1, "special_care": 1,
               "volunteer": 1, "party_member": 1, "memberships": 1}
HOUSEHOLD_FIELDS = {"low_income_periods": 1}


@dataclass(frozen=True)
class CommunityFacts:
    """Every resident and household of a community as of data version `version` or later."""

    version: int
    persons: dict[str, PersonFacts]
    households: dict[str, HouseholdFacts]


class KeptFacts(KeptPartitions[CommunityFacts]):
    """The facts of a few recently used communities in this process (about 4.5 MB per 3,000 residents).

    Residents and households are never deleted and never change community, so a changed id is
    re-read and replaced, and nothing else of the kept facts can have changed.
    """

    def __init__(self, kept: int = 32) -> None:
        super().__init__(COMMUNITY_LOG, kept)

    async def read_all(self, db: Any, community: str, version: int) -> CommunityFacts:
        persons = await db[RESIDENTS].find({"community_code": community}, FACT_FIELDS).to_list()
        households = await db[HOUSEHOLDS].find({"community_code": community}, HOUSEHOLD_FIELDS).to_list()
        return CommunityFacts(version, _persons(persons), _households(households))

    async def with_changes(self, db: Any, community: str, kept: CommunityFacts, version: int,
                           ids: set[str]) -> CommunityFacts:
        query = {"community_code": community, "_id": {"$in": sorted(ids)}}
        persons = await db[RESIDENTS].find(query, FACT_FIELDS).to_list()
        households = await db[HOUSEHOLDS].find(query, HOUSEHOLD_FIELDS).to_list()
        return CommunityFacts(version, {**kept.persons, **_persons(persons)},
                              {**kept.households, **_households(households)})


def _persons(docs: list[dict[str, Any]]) -> dict[str, PersonFacts]:
    return {doc["_id"]: person_facts_from(doc) for doc in docs}


def _households(docs: list[dict[str, Any]]) -> dict[str, HouseholdFacts]:
    return {doc["_id"]: household_facts_from(doc) for doc in docs}
