"""Which org a page shows when the address names none: the user's own; and the picker of the orgs the user's
scope covers, for a street's or the district's staff, who work across several communities."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass

from linli_console.backend import Backend
from linli_console.session import User

COMMUNITY_DIGITS = 12


def home_org(user: User, given: str | None = None) -> str:
    """The org asked for (the services decide whether the user may see it), else the user's community,
    else the first org of the user's scope."""
    if given:
        return given
    return user.community or user.scope[0].split("-")[0]


@dataclass(frozen=True)
class Picker:
    """A plain GET form: `param` (community or org) chosen among `options`, (code, name) in tree order."""
    param: str
    chosen: str
    options: list[tuple[str, str]]


async def _tree(api: Backend, code: str) -> list[dict]:
    """The org and every street and community under it, in tree order (grids are inside a community's pages):
    one registry call for a street, one more per street for the district (a community's entry in its street's
    list is enough)."""
    org = (await api.get("registry", f"/v1/orgs/{code}")).body
    children = [child for child in org["children"] if len(child["code"]) <= COMMUNITY_DIGITS]
    if all(len(child["code"]) == COMMUNITY_DIGITS for child in children):
        return [org, *children]
    below = await asyncio.gather(*(_tree(api, child["code"]) for child in children))
    return [org, *(o for tree in below for o in tree)]


async def _orgs_in_scope(api: Backend, user: User) -> list[dict]:
    roots = [code.split("-")[0] for code in user.scope]
    trees = await asyncio.gather(*(_tree(api, code) for code in dict.fromkeys(roots)))
    return [org for tree in trees for org in tree]


async def community_picker(api: Backend, user: User, given: str | None) -> Picker:
    """For a page of one community: the one asked for, else the user's own, else the first in the user's scope.
    A user of one community gets no choice (and asking for another is the services' to refuse)."""
    if user.community:
        return Picker("community", given or user.community, [])
    options = [(o["code"], o["name"]) for o in await _orgs_in_scope(api, user) if len(o["code"]) == COMMUNITY_DIGITS]
    return Picker("community", given or (options[0][0] if options else home_org(user)), options)


async def org_picker(api: Backend, user: User, given: str | None) -> Picker:
    """For a page that also rolls up: the org asked for, else the user's own; a street or the district too."""
    if user.community:
        return Picker("org", given or user.community, [])
    options = [(o["code"], o["name"]) for o in await _orgs_in_scope(api, user)]
    return Picker("org", home_org(user, given), options)


# The registry's derived groups, in the statistics table's order (the contract's `group` filter names).
GROUPS = ("elderly_60", "elderly_80", "empty_nest_households", "living_alone_elderly", "unemployed",
          "hard_to_employ_4050", "low_income_households", "low_income_residents", "disabled", "retired_cadres",
          "special_care", "volunteers", "party_members", "children_under_6", "childbearing_age_women",
          "temporary_residents")
