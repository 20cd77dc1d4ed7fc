"""Who a visit record names as its visitor: the caller, or, recorded by an admin, a staff member of the community."""
from __future__ import annotations

from typing import Any

from linli_shared.auth import Principal
from linli_shared.errors import forbidden, invalid


def needs_staff_lookup(principal: Principal, named: str | None) -> bool:
    return bool(named) and named != principal.sub and "admin" in principal.roles


def visitor_of(principal: Principal, named: str | None, staff: dict[str, Any] | None, community: str) -> str:
    """`staff` is the projection of `named` (None if unknown): visits are evidence of who was at the door."""
    if not named or named == principal.sub:
        return principal.sub
    if "admin" not in principal.roles:
        raise forbidden(f"a visit records its caller as the visitor; only an admin may name {named}",
                        "visit.visitor.not_caller")
    if staff is None or not staff.get("active", True) or staff["org_code"][:12] != community:
        raise invalid("visit.visitor.unknown", f"{named} is not a staff member of community {community}",
                      ["body", "visitor"])
    return named
