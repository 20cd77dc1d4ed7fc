"""Resident search: the community's search keys kept in the process are ranked by the domain, and only the page
returned is read from the store."""
from __future__ import annotations

from typing import Any

from linli_shared.auth import Principal
from linli_shared.pagination import decode_offset, encode_offset

from linli_registry.domain.search import AddressQuery, parse_search, rank
from linli_registry.service_layer import id_tails
from linli_registry.service_layer.context import RegistryContext
from linli_registry.service_layer.resident_filters import ResidentFilter, admission
from linli_registry.storage import households as household_store
from linli_registry.storage import residents as resident_store
from linli_registry.storage.residents import Resident

# A text matching more than this many residents is too vague to page through: the ranking is cut here.
CANDIDATE_CAP = 1_000


async def search_residents(ctx: RegistryContext, principal: Principal, community: str, q: str, f: ResidentFilter,
                           limit: int, cursor: str | None) -> tuple[list[Resident], str | None]:
    """`f` holds the caller's other filters (status, household, grid, groups); the community scope is the keys'."""
    offset = _offset(cursor)
    query = await id_tails.within_allowance(ctx, principal, community, parse_search(q))
    addresses = await _households(ctx, community, query.address) if query.address else {}
    if query.address and not addresses:
        return [], None
    admits = await admission(ctx, community, f)
    keys = await ctx.search_keys.of(ctx.db, community)
    ranked = rank([doc for doc in keys.residents.values() if admits(doc)], query, addresses)[:CANDIDATE_CAP]
    await id_tails.record(ctx, principal, community, query, ranked)
    ids = [doc["_id"] for doc in ranked[offset:offset + limit]]
    found = {r.id: r for r in await resident_store.of_community(ctx.db, community, ids)}
    more = len(ranked) > offset + limit
    return [found[i] for i in ids if i in found], encode_offset(offset + limit) if more else None


async def _households(ctx: RegistryContext, community: str, address: AddressQuery) -> dict[str, dict[str, Any]]:
    parts = {part: getattr(address, part) for part in ("building", "unit", "room")
             if getattr(address, part) is not None}
    return await household_store.addresses_matching(ctx.db, community, parts, address.estate, CANDIDATE_CAP)


def _offset(cursor: str | None) -> int:
    """Search pages by position in the ranking, so its cursor is an offset, not a keyset."""
    return decode_offset(cursor, CANDIDATE_CAP)
