"""Bearer JWT auth and org scoping, enforced here once for every service.

Roles: worker and admin act inside a community; officer (street or district) sees aggregates
only; service is another system. `scope` lists org codes; a code covers everything beneath it.
"""
from __future__ import annotations

import time
from enum import Enum
from functools import partial
from typing import Annotated, Any, Iterable

import jwt
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from linli_shared.errors import Problem, forbidden
from linli_shared.orgs import is_org_code, prefix_regex
from linli_shared.tokens import JwksKeys, KeysUnavailable, PublicKey, SharedSecret, TokenKeys

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
    """A development token (HS256); in production the district's identity provider issues them."""
    now = int(time.time())
    claims = {"sub": sub, "roles": list(roles), "scope": list(scope), "perms": list(perms),
              "iss": issuer, "iat": now, "exp": now + ttl_seconds}
    return jwt.encode(claims, secret, algorithm="HS256")


MAX_LIFETIME_SECONDS = 12 * 3600


def decode_token(token: str, keys: TokenKeys | str, issuer: str = "linli", audience: str | None = None,
                 max_lifetime_seconds: int = MAX_LIFETIME_SECONDS) -> Principal:
    """The caller behind a token, or 401. A plain string is the development HS256 secret."""
    keys = SharedSecret(keys) if isinstance(keys, str) else keys
    required = ["exp", "iat", "sub", "iss", *(["aud"] if audience else [])]
    try:
        key, algorithm = keys.key_for(token)
        claims = jwt.decode(token, key, algorithms=[algorithm], issuer=issuer, audience=audience,
                            options={"require": required})
    except KeysUnavailable as exc:
        raise Problem(503, "auth.keys_unavailable", "the identity provider's keys cannot be fetched now",
                      headers={"Retry-After": "30"}) from exc
    except jwt.ExpiredSignatureError as exc:
        raise _unauthorized("auth.token_expired", "the token has expired") from exc
    except jwt.InvalidTokenError as exc:
        raise _unauthorized("auth.token_invalid", f"the token is not valid: {exc}") from exc
    _refuse_long_lived(claims, max_lifetime_seconds)
    return Principal(sub=str(claims["sub"]), roles=_strings(claims, "roles"), scope=_scope(claims),
                     perms=_strings(claims, "perms"))


def _refuse_long_lived(claims: dict[str, Any], max_lifetime_seconds: int) -> None:
    """A stolen token is good until `exp`: the issuer may not choose a lifetime longer than ours."""
    if claims["exp"] - claims["iat"] > max_lifetime_seconds:
        raise _unauthorized("auth.token_invalid",
                            f"the token is not valid: it lives longer than {max_lifetime_seconds} seconds")


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


def token_keys(settings: Any) -> TokenKeys:
    """The identity provider's public key or JWKS when configured (always in production), else the dev secret."""
    if settings.jwt_jwks_url:
        return JwksKeys(settings.jwt_jwks_url, settings.jwt_jwks_timeout_seconds, settings.jwt_jwks_cache_seconds)
    if settings.jwt_public_key:
        return PublicKey.from_pem(settings.jwt_public_key)
    return SharedSecret(settings.jwt_secret.get_secret_value())


def _app_token_keys(app: Any) -> TokenKeys:
    """One key source per app, so the JWKS cache is shared by every request."""
    keys = getattr(app.state, "token_keys", None)
    if keys is None:
        keys = app.state.token_keys = token_keys(app.state.settings)
    return keys


# Declares the bearer scheme in OpenAPI (Swagger's Authorize button); auto_error=False: a missing token is our 401.
_BEARER = HTTPBearer(auto_error=False, bearerFormat="JWT", description="a JWT: roles, scope (org codes), perms")


async def current_principal(request: Request,
                            bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)]) -> Principal:
    """The caller. A JWKS may be fetched over the network, so it is checked in a worker thread, never blocking the
    event loop; a local key is checked in place (a thread hop would cost more than the check)."""
    if bearer is None:
        raise _unauthorized("auth.missing", "send Authorization: Bearer <token>")
    settings, keys = request.app.state.settings, _app_token_keys(request.app)
    decode = partial(decode_token, bearer.credentials.strip(), keys, settings.jwt_issuer, settings.jwt_audience,
                     settings.jwt_max_lifetime_seconds)
    principal = await run_in_threadpool(decode) if isinstance(keys, JwksKeys) else decode()
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
