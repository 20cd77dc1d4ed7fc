"""Each community's residents as the search ranks them (name, pinyin, ID and phone tails, household, status).

A search used to read these fields of every resident of the community (an unanchored name fragment has no
index to use): about 100 ms for 3,400 residents on SecantusDB, on every search. Each process now keeps them for
its recently used communities and catches them up from the community's change log, as it keeps the facts
(`storage.facts`): a search reads the log's version and then only the page of residents it returns.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from linli_shared.kept import KeptPartitions
from linli_shared.store_shapes import find_in

from linli_registry.storage.community_changes import COMMUNITY_LOG
from linli_registry.storage.indexes import RESIDENTS

SEARCH_FIELDS = {"name": 1, "name_pinyin": 1, "name_initials": 1, "id_tail": 1, "phone": 1, "household_id": 1,
                 "status": 1}


@dataclass(frozen=True)
class SearchKeys:
    """Every resident of a community, by id, as of data version `version` or later (only SEARCH_FIELDS)."""

    version: int
    residents: dict[str, dict[str, Any]]


class KeptSearchKeys(KeptPartitions[SearchKeys]):
    """Residents are never deleted and never change community, so a changed id is re-read and replaced."""

    def __init__(self, kept: int = 32) -> None:
        super().__init__(COMMUNITY_LOG, kept)

    async def read_all(self, db: Any, community: str, version: int) -> SearchKeys:
        docs = await db[RESIDENTS].find({"community_code": community}, SEARCH_FIELDS).to_list()
        return SearchKeys(version, {doc["_id"]: doc for doc in docs})

    async def with_changes(self, db: Any, community: str, kept: SearchKeys, version: int,
                           ids: set[str]) -> SearchKeys:
        if 3 * len(ids) > len(kept.residents):  # an import: reading all is cheaper
            return await self.read_all(db, community, version)
        docs = await find_in(db[RESIDENTS], "_id", sorted(ids), projection=SEARCH_FIELDS)  # households' ids find none
        return SearchKeys(version, {**kept.residents, **{doc["_id"]: doc for doc in docs}})
