"""The session cookie, the CSRF token and the signed-in user.

The cookie holds the user's bearer token (from dev sign-in) and a CSRF token, signed with HMAC so it
cannot be forged or edited; it is Secure, HttpOnly and SameSite=Strict. In production the district's
sign-on proxy sends `Authorization: Bearer <token>` with every request instead, and the cookie then
carries the CSRF token alone. Either way the token is verified as every service verifies it.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request

from linli_shared.auth import PII_READ, Principal, decode_token, token_keys
from linli_shared.errors import Problem

COOKIE = "linli_console"
CSRF_FIELD = "csrf"
MAX_AGE_SECONDS = 12 * 3600  # no longer than a token may live


@dataclass
class Session:
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    token: str | None = None
    name: str | None = None  # the staff member's name, shown in the header
    changed: bool = True

    def sign_in(self, token: str, name: str | None) -> None:
        # A new CSRF token on sign-in: one planted before it is worthless after.
        self.token, self.name, self.csrf, self.changed = token, name, secrets.token_urlsafe(32), True

    def sign_out(self) -> None:
        self.token, self.name, self.csrf, self.changed = None, None, secrets.token_urlsafe(32), True


class SignInRequired(Exception):
    """No token, or one that no longer verifies: the page sends the user to sign in."""


class CsrfRejected(Exception):
    """A POST without this session's CSRF token."""


@dataclass(frozen=True)
class User:
    token: str
    principal: Principal
    name: str | None

    @property
    def sub(self) -> str:
        return self.principal.sub

    @property
    def roles(self) -> frozenset[str]:
        return self.principal.roles

    @property
    def scope(self) -> tuple[str, ...]:
        return self.principal.scope

    @property
    def may_reveal(self) -> bool:
        return PII_READ in self.principal.perms

    @property
    def community(self) -> str | None:
        """The one community a worker or admin works in, if the scope names exactly one."""
        codes = [code.split("-")[0] for code in self.scope if len(code.split("-")[0]) == 12]
        return codes[0] if len(set(codes)) == 1 else None


def _sign(secret: str, payload: bytes) -> str:
    return hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()


def encode(session: Session, secret: str) -> str:
    # Unpadded: a cookie value with "=" gets quoted, and clients differ on giving the quotes back.
    payload = base64.urlsafe_b64encode(json.dumps(
        {"c": session.csrf, "t": session.token, "n": session.name}, ensure_ascii=False).encode()).rstrip(b"=")
    return f"{payload.decode()}.{_sign(secret, payload)}"


def decode(cookie: str | None, secret: str) -> Session:
    """The session a cookie carries, or a fresh one if it is missing, edited or unreadable."""
    if not cookie or "." not in cookie:
        return Session()
    payload, signature = cookie.rsplit(".", 1)
    if not hmac.compare_digest(_sign(secret, payload.encode()), signature):
        return Session()
    try:
        data = json.loads(base64.urlsafe_b64decode(payload.encode() + b"=" * (-len(payload) % 4)))
        return Session(csrf=str(data["c"]), token=data.get("t"), name=data.get("n"), changed=False)
    except (ValueError, KeyError, TypeError):
        return Session()


def cookie_options() -> dict:
    return {"key": COOKIE, "max_age": MAX_AGE_SECONDS, "path": "/", "secure": True, "httponly": True,
            "samesite": "strict"}


def session_of(request: Request) -> Session:
    return request.state.session


def bearer_of(request: Request) -> str | None:
    """The sign-on proxy's token first, else the one dev sign-in put in the session."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return session_of(request).token


def _keys(request: Request):
    app = request.app
    if getattr(app.state, "token_keys", None) is None:
        app.state.token_keys = token_keys(app.state.settings)
    return app.state.token_keys


def current_user(request: Request) -> User:
    """A plain `def`: FastAPI runs it in a thread, so a JWKS fetch never blocks the event loop."""
    token = bearer_of(request)
    if not token:
        raise SignInRequired()
    settings = request.app.state.settings
    try:
        principal = decode_token(token, _keys(request), settings.jwt_issuer, settings.jwt_audience,
                                 settings.jwt_max_lifetime_seconds)
    except Problem as exc:
        raise SignInRequired() from exc
    return User(token=token, principal=principal, name=session_of(request).name)


async def check_csrf(request: Request) -> None:
    """On every POST: the form's `csrf` field must be this session's token (every form has `csrf_field()`)."""
    if request.method != "POST":
        return
    form = await request.form()  # cached on the request: the page reads the same form again
    sent = form.get(CSRF_FIELD)
    if not isinstance(sent, str) or not hmac.compare_digest(sent, session_of(request).csrf):
        raise CsrfRejected()


CurrentUser = Annotated[User, Depends(current_user)]
