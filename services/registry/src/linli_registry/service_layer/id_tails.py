"""Searching by the last four of an ID number without pii:read: rationed per caller and on the trail.

The tail is an oracle: 10,000 searches would name every resident's last four, which with the birth date
they see is most of the number. Callers who may read ID numbers anyway are neither counted nor limited.
"""
from __future__ import annotations

from linli_shared.auth import Principal
from linli_shared.errors import Problem
from linli_shared.logging import get_logger

from linli_registry.domain.audit import new_entry
from linli_registry.domain.search import SearchQuery, without_id_tail
from linli_registry.service_layer.context import RegistryContext
from linli_registry.storage import audit as trail
from linli_registry.storage import id_tail_searches

log = get_logger()


def _rationed(principal: Principal, query: SearchQuery) -> bool:
    return bool(query.id_tail) and not principal.can_read_pii


async def within_allowance(ctx: RegistryContext, principal: Principal, community: str,
                           query: SearchQuery) -> SearchQuery:
    """The query to run: as typed while the caller's hourly allowance lasts.

    Past it, a text that may also be a phone tail still finds phones, as it always did; one that can only
    be an ID tail (it ends in X) is refused.
    """
    if not _rationed(principal, query):
        return query
    now = ctx.clock.now()
    if await id_tail_searches.count_one(ctx.db, principal.sub, now) <= ctx.id_tail_searches_per_hour:
        return query
    log.warning("registry.id_tail_search_limited", actor=principal.sub, community=community,
                per_hour=ctx.id_tail_searches_per_hour)
    phones_only = without_id_tail(query)
    if phones_only is None:
        raise Problem(429, "resident.search.id_tail_limited",
                      f"at most {ctx.id_tail_searches_per_hour} searches by ID number tail an hour without pii:read; "
                      "search by name or address, or ask a colleague who may read ID numbers",
                      headers={"Retry-After": str(3600 - now.minute * 60 - now.second)})  # the next hour
    return phones_only


async def record(ctx: RegistryContext, principal: Principal, community: str, query: SearchQuery,
                 ranked: list[dict]) -> None:
    """Who searched by an ID tail and how many residents it named; never the tail, which would rebuild it."""
    if not _rationed(principal, query):
        return
    matches = sum(1 for doc in ranked if doc.get("id_tail") == query.id_tail)
    await trail.append(ctx.db, [new_entry(principal.sub, "resident.searched_by_id_tail", community,
                                          detail={"matches": matches})])
