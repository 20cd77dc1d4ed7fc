"""Bearer JWT auth and org scoping, enforced here once for every service.

Roles: worker and admin act inside a community; officer (street or district) sees aggregates
only; service is another system. `scope` lists org codes; a code covers everything beneath it.
"""
from __future__ import annotations

import time
from enum import Enum
from typing import Annotated, Any, Iterable

import jwt
from fastapi import Depends, Request
from pydantic import BaseModel

from linli_shared.errors import Problem, forbidden
from linli_shared.orgs import is_org_code, prefix_regex

PII_READ = "pii:read"


class Access(Enum):
    """What an endpoint does with an org's data, and so which roles may do it."""

    AGGREGATE = frozenset({"worker", "admin", "officer", "service"})
    READ = frozenset({"worker", "admin", "service"})
    WRITE = frozenset({"worker", "admin", "service"})
    ADMIN = frozenset({"admin", "service"})


class Principal(BaseModel, frozen=True):
    sub: str
    roles: frozenset[str]
    scope: tuple[str, ...]
    perms: frozenset[str] = frozenset()

    @property
    def can_read_pii(self) -> bool:
        return PII_READ in self.perms

    def covers(self, org_code: str) -> bool:
        return any(org_code.startswith(code) for code in self.scope)

    def authorize(self, org_code: str, access: Access) -> None:
        """403 unless a role allows `access` and the scope covers the org."""
        if not self.roles & access.value:
            raise forbidden(f"roles {sorted(self.roles)} may not {access.name.lower()} here", "auth.role")
        if not self.covers(org_code):
            raise forbidden(f"org {org_code} is outside this token's scope", "auth.scope")

    def scope_filter(self, field: str = "community_code") -> dict[str, Any]:
        """A Mongo filter limiting a cross-org query to the token's scope (anchored prefix: index-friendly)."""
        return {"$or": [{field: prefix_regex(code)} for code in self.scope]} if self.scope else {field: None}


def issue_token(secret: str, sub: str, roles: Iterable[str], scope: Iterable[str],
                perms: Iterable[str] = (), ttl_seconds: int = 3600, issuer: str = "linli") -> str:
    now = int(time.time())
    claims = {"sub": sub, "roles": list(roles), "scope": list(scope), "perms": list(perms),
              "iss": issuer, "iat": now, "exp": now + ttl_seconds}
    return jwt.encode(claims, secret, algorithm="HS256")


def decode_token(token: str, secret: str, issuer: str = "linli") -> Principal:
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], issuer=issuer,
                            options={"require": ["exp", "sub", "iss"]})
    except jwt.ExpiredSignatureError as exc:
        raise _unauthorized("auth.token_expired", "the token has expired") from exc
    except jwt.InvalidTokenError as exc:
        raise _unauthorized("auth.token_invalid", f"the token is not valid: {exc}") from exc
    return Principal(sub=str(claims["sub"]), roles=_strings(claims, "roles"), scope=_scope(claims),
                     perms=_strings(claims, "perms"))


def _scope(claims: dict[str, Any]) -> tuple[str, ...]:
    """Whole org codes only: a string would iterate into 1-digit prefixes, an empty code covers every org."""
    scope = claims.get("scope", [])
    if not isinstance(scope, list) or not all(is_org_code(code) for code in scope):
        raise _unauthorized("auth.token_invalid", "the token is not valid: scope must be a list of org codes")
    return tuple(scope)


def _strings(claims: dict[str, Any], name: str) -> frozenset[str]:
    values = claims.get(name, [])
    if not isinstance(values, list) or not all(isinstance(value, str) and value for value in values):
        raise _unauthorized("auth.token_invalid", f"the token is not valid: {name} must be a list of strings")
    return frozenset(values)


def _unauthorized(code: str, detail: str) -> Problem:
    return Problem(401, code, detail, headers={"WWW-Authenticate": "Bearer"})


def current_principal(request: Request) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise _unauthorized("auth.missing", "send Authorization: Bearer <token>")
    settings = request.app.state.settings
    principal = decode_token(token.strip(), settings.jwt_secret.get_secret_value(), settings.jwt_issuer)
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
