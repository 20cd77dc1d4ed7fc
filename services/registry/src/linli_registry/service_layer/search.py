"""Resident search: the store narrows to candidates within the community, the domain ranks them."""
from __future__ import annotations

import re
from typing import Any

from linli_shared.auth import Principal
from linli_shared.orgs import prefix_regex
from linli_shared.pagination import decode_offset, encode_offset

from linli_registry.domain.search import AddressQuery, SearchQuery, parse_search, phone_tail_pattern, rank
from linli_registry.service_layer import id_tails
from linli_registry.service_layer.context import RegistryContext
from linli_registry.storage import households as household_store
from linli_registry.storage import residents as resident_store
from linli_registry.storage.residents import Resident

# A community holds a few thousand residents; a text matching more than this is too vague to rank
# usefully, so only the first CANDIDATE_CAP candidates by _id are ranked (and paged).
CANDIDATE_CAP = 1_000
# Ranking reads only these; the full documents are loaded for the one page returned.
RANK_FIELDS = {"name": 1, "name_pinyin": 1, "name_initials": 1, "id_tail": 1, "phone": 1, "household_id": 1,
               "status": 1}


async def search_residents(ctx: RegistryContext, principal: Principal, community: str, q: str, base: dict[str, Any],
                           limit: int, cursor: str | None) -> tuple[list[Resident], str | None]:
    """`base` holds the caller's other filters (status, household, group); the community scope is always added."""
    offset = _offset(cursor)
    query = await id_tails.within_allowance(ctx, principal, community, parse_search(q))
    addresses = await _households(ctx, community, query.address) if query.address else {}
    if query.address and not addresses:
        return [], None
    clauses = [{"community_code": community}, _candidate_filter(query, addresses), *([base] if base else [])]
    candidates = await resident_store.candidates(ctx.db, {"$and": clauses}, RANK_FIELDS, CANDIDATE_CAP)
    ranked = rank(candidates, query, addresses)
    await id_tails.record(ctx, principal, community, query, ranked)
    ids = [doc["_id"] for doc in ranked[offset:offset + limit]]
    found = {r.id: r for r in await resident_store.of_community(ctx.db, community, ids)}
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


async def _households(ctx: RegistryContext, community: str, address: AddressQuery) -> dict[str, dict]:
    parts = {part: getattr(address, part) for part in ("building", "unit", "room")
             if getattr(address, part) is not None}
    return await household_store.addresses_matching(ctx.db, community, parts, address.estate, CANDIDATE_CAP)


def _offset(cursor: str | None) -> int:
    """Search pages by position in the ranking, so its cursor is an offset, not a keyset."""
    return decode_offset(cursor, CANDIDATE_CAP)
