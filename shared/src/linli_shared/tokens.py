"""Which key verifies a token, and with which one algorithm.

Development and tests sign with one shared HS256 secret. Production holds only the district
identity provider's PUBLIC keys (a PEM file or a JWKS URL): a service that is broken into can
then verify tokens but never mint one. The key decides the algorithm, so a token cannot choose
its own (`none`, or HS256 with the public key as the HMAC secret: algorithm confusion).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key

ASYMMETRIC = frozenset({"RS256", "ES256", "EdDSA"})


class KeysUnavailable(Exception):
    """The identity provider's keys could not be fetched: the token may be fine, we cannot tell."""


class TokenKeys(Protocol):
    def key_for(self, token: str) -> tuple[Any, str]:
        """The key that verifies this token and the one algorithm it must be signed with."""


@dataclass(frozen=True)
class SharedSecret:
    """HS256 with LINLI_JWT_SECRET: development, tests and `linli-dev token` only."""

    secret: str

    def key_for(self, token: str) -> tuple[Any, str]:
        return self.secret, "HS256"


@dataclass(frozen=True)
class PublicKey:
    """One PEM public key of the identity provider (LINLI_JWT_PUBLIC_KEY or LINLI_JWT_PUBLIC_KEY_FILE)."""

    key: Any
    algorithm: str

    @classmethod
    def from_pem(cls, pem: str) -> PublicKey:
        try:
            key = load_pem_public_key(pem.encode())
        except (ValueError, TypeError) as exc:
            raise ValueError("LINLI_JWT_PUBLIC_KEY is not a PEM public key (-----BEGIN PUBLIC KEY-----)") from exc
        return cls(key, algorithm_for(key))

    def key_for(self, token: str) -> tuple[Any, str]:
        return self.key, self.algorithm


def algorithm_for(key: Any) -> str:
    """RS256 for RSA, ES256 for P-256, EdDSA for Ed25519/Ed448; any other key is refused at start."""
    if isinstance(key, rsa.RSAPublicKey) and key.key_size >= 2048:
        return "RS256"
    if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
        return "ES256"
    if isinstance(key, (ed25519.Ed25519PublicKey, ed448.Ed448PublicKey)):
        return "EdDSA"
    raise ValueError("LINLI_JWT_PUBLIC_KEY must be an RSA (2048 bits or more), P-256 EC or Ed25519 public key")


class JwksKeys:
    """The identity provider's JWKS (LINLI_JWT_JWKS_URL), cached; a token's `kid` picks the key.

    PyJWKClient fetches with blocking urllib: callers run in a worker thread (`current_principal`
    is a plain `def`, which FastAPI runs off the event loop), and each fetch is bounded by `timeout`.
    """

    def __init__(self, url: str, timeout_seconds: float, cache_seconds: float) -> None:
        self.client = jwt.PyJWKClient(url, cache_keys=True, lifespan=max(cache_seconds, 1),
                                      timeout=timeout_seconds)

    def key_for(self, token: str) -> tuple[Any, str]:
        try:
            signing = self.client.get_signing_key_from_jwt(token)
        except jwt.PyJWKClientConnectionError as exc:
            raise KeysUnavailable(str(exc)) from exc
        except jwt.PyJWKClientError as exc:
            raise jwt.InvalidTokenError(str(exc)) from exc
        if signing.algorithm_name not in ASYMMETRIC:  # an `oct` (HMAC) key in the set would verify forgeries
            raise jwt.InvalidTokenError(f"the identity provider's key is {signing.algorithm_name}, not one of "
                                        f"{sorted(ASYMMETRIC)}")
        return signing.key, signing.algorithm_name
