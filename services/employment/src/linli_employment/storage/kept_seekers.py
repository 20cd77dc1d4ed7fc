"""The job seekers on a district's list as matching sees them, kept in this process (求职人员匹配档案).

Ranking a posting takes every seeker on its district's list. Reading them all for each match was
employment's slowest request (20,000 seekers: 1.9 s of store time, `bench/employment_matching.py`),
so each process keeps the profiles of its recently used districts and brings them up to date from
the district's change log: every commit that writes a seeker records its id there.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from linli_shared.events import CloudEvent
from linli_shared.kept import KeptPartitions
from linli_shared.orgs import prefix_regex

from linli_employment.domain.matching import SeekerProfile
from linli_employment.events import SeekerRegistered, SeekerUpdated
from linli_employment.storage.indexes import SEEKER_LOG, SEEKERS
from linli_employment.storage.seekers import ON_LIST

SEEKER_EVENTS = {SeekerRegistered.TYPE, SeekerUpdated.TYPE}  # every seeker write raises one of them
PROFILE_FIELDS = {"community_code": 1, "gender": 1, "birth_date": 1, "intentions": 1, "priority_groups": 1,
                  "status": 1}


def profile(seeker: dict[str, Any]) -> SeekerProfile:
    intentions = seeker.get("intentions") or {}
    return SeekerProfile(seeker_id=seeker["_id"], community_code=seeker["community_code"], gender=seeker["gender"],
                         birth_date=date.fromisoformat(seeker["birth_date"]),
                         categories=intentions.get("categories", []), hours=intentions.get("hours", []),
                         min_monthly_wage_cny=intentions.get("min_monthly_wage_cny"),
                         skills=intentions.get("skills", []), certificates=intentions.get("certificates", []),
                         priority_groups=seeker.get("priority_groups", []))


def district_of(community: str) -> str:
    return community[:6]


def _district_of_seeker(event: CloudEvent) -> str | None:
    return district_of(event.community) if event.type in SEEKER_EVENTS else None


bump_seeker_versions = SEEKER_LOG.recorder(_district_of_seeker)  # runs before every employment commit


@dataclass(frozen=True)
class DistrictSeekers:
    """The profiles of every seeker on a district's list as of version `version` or later."""

    version: int
    on_list: dict[str, SeekerProfile]


class KeptSeekers(KeptPartitions[DistrictSeekers]):
    """About 1.5 KB a seeker. A changed seeker is re-read wherever it now lives: on the list, or dropped."""

    def __init__(self, kept: int = 4) -> None:
        super().__init__(SEEKER_LOG, kept)

    async def read_all(self, db: AsyncDatabase, district: str, version: int) -> DistrictSeekers:
        docs = await db[SEEKERS].find({"community_code": prefix_regex(district), "status": {"$in": list(ON_LIST)}},
                                      PROFILE_FIELDS).to_list()
        return DistrictSeekers(version, {doc["_id"]: profile(doc) for doc in docs})

    async def with_changes(self, db: AsyncDatabase, district: str, kept: DistrictSeekers, version: int,
                           ids: set[str]) -> DistrictSeekers:
        docs = await db[SEEKERS].find({"_id": {"$in": sorted(ids)}}, PROFILE_FIELDS).to_list()
        on_list = {seeker_id: p for seeker_id, p in kept.on_list.items() if seeker_id not in ids}
        on_list.update({doc["_id"]: profile(doc) for doc in docs
                        if doc["status"] in ON_LIST and district_of(doc["community_code"]) == district})
        return DistrictSeekers(version, on_list)
