"""Which org a page shows when the address names none: the user's own."""
from __future__ import annotations

from linli_console.session import User


def home_org(user: User, given: str | None = None) -> str:
    """The org asked for (the services decide whether the user may see it), else the user's community,
    else the first org of the user's scope."""
    if given:
        return given
    return user.community or user.scope[0].split("-")[0]


# The registry's derived groups, in the statistics table's order (the contract's `group` filter names).
GROUPS = ("elderly_60", "elderly_80", "empty_nest_households", "living_alone_elderly", "unemployed",
          "hard_to_employ_4050", "low_income_households", "low_income_residents", "disabled", "retired_cadres",
          "special_care", "volunteers", "party_members", "children_under_6", "childbearing_age_women",
          "temporary_residents")
