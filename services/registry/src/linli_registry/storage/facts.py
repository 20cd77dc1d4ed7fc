"""A community's residents and households as the group rules see them (only the fields the rules read)."""
from __future__ import annotations

from typing import Any

from linli_shared.domain.groups import HouseholdFacts, PersonFacts, household_facts_from, person_facts_from

from linli_registry.storage.indexes import HOUSEHOLDS, RESIDENTS

# Statistics over a district must not drag whole documents along.
FACT_FIELDS = {"household_id": 1, "gender": 1, "birth_date": 1, "employment_status": 1, "residence_type": 1,
               "status": 1, "left_on": 1, "disability": 1, "retired_cadre": 1, "special_care": 1,
               "volunteer": 1, "party_member": 1, "memberships": 1}


async def community_facts(db: Any, community: str) -> tuple[list[PersonFacts], list[HouseholdFacts]]:
    persons = await db[RESIDENTS].find({"community_code": community}, FACT_FIELDS).to_list()
    households = await db[HOUSEHOLDS].find({"community_code": community}, {"low_income_periods": 1}).to_list()
    return [person_facts_from(p) for p in persons], [household_facts_from(h) for h in households]
