"""What every registry use case needs, built once by the composition root."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from linli_shared.caching import VersionedCache
from linli_shared.clock import Clock
from linli_shared.domain.groups import GroupRules
from linli_shared.domain.suppression import DEFAULT_BELOW
from linli_shared.errors import invalid, not_found
from linli_shared.outbox import UnitOfWork
from linli_shared.privacy import PiiVault

from linli_registry.domain.orgs import OrgCode, OrgCodeError, parse_org_code
from linli_registry.storage import orgs
from linli_registry.storage.facts import KeptFacts
from linli_registry.storage.search_keys import KeptSearchKeys
from linli_registry.storage.statistics_cache import StatisticsCache


@dataclass
class RegistryContext:
    uow: UnitOfWork
    db: Any
    vault: PiiVault
    rules: GroupRules
    clock: Clock
    facts: KeptFacts = field(default_factory=KeptFacts)  # recently used communities' residents, for the rules
    search_keys: KeptSearchKeys = field(default_factory=KeptSearchKeys)  # the same communities' names, for search
    derived_groups: VersionedCache = field(default_factory=VersionedCache)  # a community's groups, as of a day
    statistics: StatisticsCache = field(default_factory=StatisticsCache)  # per community, stored and in flight
    id_tail_searches_per_hour: int = 30  # per caller without pii:read (each one can reveal whose tail it is)
    suppress_below: int = DEFAULT_BELOW  # officers' small cells (LINLI_SUPPRESS_BELOW)
    # Communities found registered: an org is never removed, so a write need not read it again.
    known_communities: set[str] = field(default_factory=set)

    def today(self) -> date:
        return self.clock.today()


def org_code_or_422(code: str) -> OrgCode:
    try:
        return parse_org_code(code)
    except OrgCodeError as exc:
        raise invalid(OrgCodeError.code, str(exc), ["path", "code"]) from exc


async def existing_community(db: Any, code: str, session: Any = None) -> orgs.Org:
    org = org_code_or_422(code)
    if org.level != "community":
        raise invalid("org.not_a_community", f"{code} is a {org.level}, not a community (12 digits)", ["path", "code"])
    doc = await orgs.get(db, code, session)
    if doc is None:
        raise not_found("org.not_found", f"community {code} is not registered; PUT /v1/orgs/{code} first")
    return doc


async def known_community(ctx: RegistryContext, code: str, session: Any = None) -> None:
    """`existing_community` for a write or a listing: a community found once is not read again (orgs are never
    removed)."""
    if code not in ctx.known_communities:
        await existing_community(ctx.db, code, session)
        ctx.known_communities.add(code)
