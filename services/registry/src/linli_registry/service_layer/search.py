"""Resident search: the store narrows to candidates within the community, the domain ranks them."""
from __future__ import annotations

import re
from typing import Any

from linli_shared.auth import Principal
from linli_shared.orgs import prefix_regex
from linli_shared.pagination import decode_offset, encode_offset

from linli_registry.domain.search import AddressQuery, SearchQuery, parse_search, phone_tail_pattern, rank
from linli_registry.service_layer import id_tails
from linli_registry.service_layer.context import Registry
from linli_registry.storage.indexes import HOUSEHOLDS, RESIDENTS

# A community holds a few thousand residents; a text matching more than this is too vague to rank
# usefully, so only the first CANDIDATE_CAP candidates by _id are ranked (and paged).
CANDIDATE_CAP = 1_000
# Ranking reads only these; the full documents are loaded for the one page returned.
RANK_FIELDS = {"name": 1, "name_pinyin": 1, "name_initials": 1, "id_tail": 1, "phone": 1, "household_id": 1,
               "status": 1}


async def search_residents(reg: Registry, principal: Principal, community: str, q: str, base: dict[str, Any],
                           limit: int, cursor: str | None) -> tuple[list[dict], str | None]:
    """`base` holds the caller's other filters (status, household, group); the community scope is always added."""
    offset = _offset(cursor)
    query = await id_tails.within_allowance(reg, principal, community, parse_search(q))
    addresses = await _households(reg, community, query.address) if query.address else {}
    if query.address and not addresses:
        return [], None
    clauses = [{"community_code": community}, _candidate_filter(query, addresses), *([base] if base else [])]
    candidates = await reg.db[RESIDENTS].find({"$and": clauses}, RANK_FIELDS).sort("_id", 1) \
        .limit(CANDIDATE_CAP).to_list()
    ranked = rank(candidates, query, addresses)
    await id_tails.record(reg, principal, community, query, ranked)
    ids = [doc["_id"] for doc in ranked[offset:offset + limit]]
    found = {doc["_id"]: doc for doc in await reg.db[RESIDENTS].find(
        {"community_code": community, "_id": {"$in": ids}}).to_list()} if ids else {}
    more = len(ranked) > offset + limit
    return [found[i] for i in ids if i in found], encode_offset(offset + limit) if more else None


def _candidate_filter(query: SearchQuery, addresses: dict[str, dict]) -> dict[str, Any]:
    """A superset of what `score` accepts, using equality or anchored prefixes behind community_code."""
    if query.kind == "address":
        return {"household_id": {"$in": sorted(addresses)}}
    if query.kind == "pinyin":
        prefix = prefix_regex(query.text)
        return {"$or": [{"name_initials": prefix}, {"name_pinyin": prefix}]}
    if query.kind == "number":
        # Anchored at the end: no index serves it, but community_code bounds the scan (residents are written
        # by another module, so there is no phone_tail field to match by equality).
        either = [{"id_tail": query.id_tail}] if query.id_tail else []
        if query.phone_tail:
            either.append({"phone": {"$regex": phone_tail_pattern(query.phone_tail)}})
        return {"$or": either}
    return {"name": {"$regex": re.escape(query.text)}}  # a substring: bounded by community_code only


async def _households(reg: Registry, community: str, address: AddressQuery) -> dict[str, dict]:
    match: dict[str, Any] = {"community_code": community}
    for part in ("building", "unit", "room"):
        if getattr(address, part) is not None:
            match[f"address.{part}"] = getattr(address, part)
    if address.estate:
        match["address.estate"] = {"$regex": re.escape(address.estate)}
    households = await reg.db[HOUSEHOLDS].find(match, {"address": 1}).limit(CANDIDATE_CAP).to_list()
    return {h["_id"]: h.get("address") or {} for h in households}


def _offset(cursor: str | None) -> int:
    """Search pages by position in the ranking, so its cursor is an offset, not a keyset."""
    return decode_offset(cursor, CANDIDATE_CAP)
