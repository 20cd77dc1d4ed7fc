"""A community's residents and households as the group rules see them (only the fields the rules read).

Group listings and statistics need every resident of a community. Reading 3,000 of them after each
write was most of the registry store's time under load, so each process keeps the facts of its
recently used communities and brings them up to date from the community's change log
(`community_changes`): a write costs the next reader the few documents it changed. A copy is also
saved in the store (`community_facts`, one document per community), so a process that starts reads a
hundred saved copies for a district page, not 300,000 residents.
"""
from __future__ import annotations

import asyncio
import time
import zlib
from dataclasses import dataclass
from typing import Any

from bson import Binary
from pydantic import TypeAdapter
from pymongo.errors import DuplicateKeyError

from linli_shared.domain.groups import HouseholdFacts, PersonFacts, household_facts_from, person_facts_from
from linli_shared.kept import KeptPartitions
from linli_shared.store_shapes import find_in

from linli_registry.storage.community_changes import COMMUNITY_LOG
from linli_registry.storage.indexes import HOUSEHOLDS, RESIDENTS

# Statistics over a district must not drag whole documents along.
FACT_FIELDS = {"household_id": 1, "gender": 1, "birth_date": 1, "employment_status": 1, "residence_type": 1,
               "status": 1, "left_on": 1, "disability": 1, "retired_cadre": 1, "special_care": 1,
               "volunteer": 1, "party_member": 1, "memberships": 1}
HOUSEHOLD_FIELDS = {"low_income_periods": 1}
SAVED_FACTS = "community_facts"
_PERSONS = TypeAdapter(list[PersonFacts])
_HOUSEHOLDS = TypeAdapter(list[HouseholdFacts])


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
        # Off the event loop: 3,000 residents' facts would hold up the outbox relay and every request.
        return CommunityFacts(version, await asyncio.to_thread(_persons, persons),
                              await asyncio.to_thread(_households, households))

    async def with_changes(self, db: Any, community: str, kept: CommunityFacts, version: int,
                           ids: set[str]) -> CommunityFacts:
        if 3 * len(ids) > len(kept.persons) + len(kept.households):  # an import: reading all is cheaper
            return await self.read_all(db, community, version)
        # By `_id` alone (an id never changes community): each one a look-up in the `_id` index.
        persons = await find_in(db[RESIDENTS], "_id", sorted(ids), projection=FACT_FIELDS)
        households = await find_in(db[HOUSEHOLDS], "_id", sorted(ids), projection=HOUSEHOLD_FIELDS)
        return CommunityFacts(version, {**kept.persons, **_persons(persons)},
                              {**kept.households, **_households(households)})

    async def load_saved(self, db: Any, community: str) -> tuple[CommunityFacts, float] | None:
        doc = await db[SAVED_FACTS].find_one({"_id": community})
        if doc is None:
            return None
        persons = _PERSONS.validate_json(zlib.decompress(doc["persons"]))
        households = _HOUSEHOLDS.validate_json(zlib.decompress(doc["households"]))
        return CommunityFacts(doc["version"], {p.resident_id: p for p in persons},
                              {h.household_id: h for h in households}), doc["saved_at"]

    async def save(self, db: Any, community: str, facts: CommunityFacts) -> bool:
        """Compressed (60 KB for 3,500 residents, 640 KB as JSON); never over a newer saved copy."""
        fields = {"version": facts.version, "saved_at": time.time(),
                  "persons": _packed(_PERSONS.dump_json(list(facts.persons.values()), exclude_defaults=True)),
                  "households": _packed(_HOUSEHOLDS.dump_json(list(facts.households.values()),
                                                              exclude_defaults=True))}
        try:
            await db[SAVED_FACTS].update_one({"_id": community, "version": {"$lt": facts.version}},
                                             {"$set": fields}, upsert=True)
        except DuplicateKeyError:  # a newer copy is saved (another replica, or a later refresh)
            return False
        return True


def _packed(data: bytes) -> Binary:
    return Binary(zlib.compress(data, 1))


def _persons(docs: list[dict[str, Any]]) -> dict[str, PersonFacts]:
    return {doc["_id"]: person_facts_from(doc) for doc in docs}


def _households(docs: list[dict[str, Any]]) -> dict[str, HouseholdFacts]:
    return {doc["_id"]: household_facts_from(doc) for doc in docs}
