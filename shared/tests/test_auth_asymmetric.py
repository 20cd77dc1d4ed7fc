"""Production tokens: the district identity provider signs, services hold only its public keys."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from fastapi import FastAPI
from pydantic import ValidationError

from linli_shared.auth import CurrentPrincipal, decode_token, token_keys
from linli_shared.errors import Problem, install_problem_handlers
from linli_shared.settings import ServiceSettings

ISSUER, AUDIENCE = "https://idp.district.example", "linli"
PRIVATE_KEYS = {"RS256": rsa.generate_private_key(65537, 2048), "ES256": ec.generate_private_key(ec.SECP256R1()),
                "EdDSA": ed25519.Ed25519PrivateKey.generate()}


def public_pem(algorithm: str) -> str:
    return PRIVATE_KEYS[algorithm].public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def claims(**changes) -> dict:
    now = int(time.time())
    base = {"sub": "staff-7", "roles": ["worker"], "scope": ["130303001001"], "perms": [], "iss": ISSUER,
            "aud": AUDIENCE, "iat": now, "exp": now + 3600}
    return {k: v for k, v in {**base, **changes}.items() if v is not None}


def signed(algorithm: str = "RS256", kid: str | None = None, **changes) -> str:
    return jwt.encode(claims(**changes), PRIVATE_KEYS[algorithm], algorithm=algorithm,
                      headers={"kid": kid} if kid else None)


def hand_made(header: dict, body: dict, secret: bytes | None) -> str:
    """A token PyJWT would refuse to make: `alg: none`, or HS256 keyed with a public key."""
    def part(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()
    signing_input = f"{part(header)}.{part(body)}"
    signature = b"" if secret is None else hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


def verify(settings: ServiceSettings, token: str):
    return decode_token(token, token_keys(settings), settings.jwt_issuer, settings.jwt_audience,
                        settings.jwt_max_lifetime_seconds)


def refused(settings: ServiceSettings, token: str, code: str = "auth.token_invalid") -> str:
    with pytest.raises(Problem) as failure:
        verify(settings, token)
    assert (failure.value.status, failure.value.code) == (401, code)
    return failure.value.detail


@pytest.fixture
def key_file_settings(tmp_path, monkeypatch):
    def make(algorithm: str) -> ServiceSettings:
        path = tmp_path / f"idp-{algorithm}.pem"
        path.write_text(public_pem(algorithm))
        monkeypatch.setenv("LINLI_JWT_PUBLIC_KEY_FILE", str(path))
        return ServiceSettings(jwt_issuer=ISSUER, jwt_audience=AUDIENCE)
    return make


@pytest.mark.parametrize("algorithm", sorted(PRIVATE_KEYS))
def test_each_kind_of_identity_provider_key_verifies_its_tokens_from_a_key_file(key_file_settings, algorithm):
    principal = verify(key_file_settings(algorithm), signed(algorithm))
    assert (principal.sub, principal.scope) == ("staff-7", ("130303001001",))


@pytest.mark.parametrize("algorithm", sorted(PRIVATE_KEYS))
def test_the_key_pins_the_algorithm_so_another_keys_token_is_refused(key_file_settings, algorithm):
    other = next(a for a in PRIVATE_KEYS if a != algorithm)
    refused(key_file_settings(algorithm), signed(other))


def test_audience_issuer_iat_and_lifetime_are_checked(key_file_settings):
    settings = key_file_settings("RS256")
    now = int(time.time())
    assert "audience" in refused(settings, signed(aud="another-system")).lower()
    assert "aud" in refused(settings, signed(aud=None))
    assert "issuer" in refused(settings, signed(iss="https://elsewhere.example")).lower()
    assert "iat" in refused(settings, signed(iat=None))
    assert "longer than 43200" in refused(settings, signed(iat=now, exp=now + 43200 + 60))
    assert verify(settings, signed(iat=now, exp=now + 43200)).sub == "staff-7"
    refused(settings, signed(iat=now - 7200, exp=now - 60), "auth.token_expired")


def test_hs256_is_refused_when_public_keys_are_configured_even_keyed_with_the_public_key(key_file_settings):
    settings = key_file_settings("RS256")
    pem = public_pem("RS256").encode()
    refused(settings, hand_made({"alg": "HS256", "typ": "JWT"}, claims(), pem))  # algorithm confusion
    refused(settings, hand_made({"alg": "HS256", "typ": "JWT"}, claims(), pem.strip()))
    refused(settings, jwt.encode(claims(), "s" * 40, algorithm="HS256"))


@pytest.mark.parametrize("alg", ["none", "None", "NONE"])
def test_an_unsigned_token_is_refused(key_file_settings, alg):
    refused(key_file_settings("EdDSA"), hand_made({"alg": alg, "typ": "JWT"}, claims(), None))


class _Jwks:
    """A stand-in for the identity provider's JWKS endpoint, on a loopback port."""

    def __init__(self, keys: list[dict]) -> None:
        self.keys, self.fetches = keys, 0
        jwks = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                jwks.fetches += 1
                body = json.dumps({"keys": jwks.keys}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/.well-known/jwks.json"


@pytest.fixture
def jwks() -> Iterator[_Jwks]:
    served = _Jwks([{**_jwk(algorithm), "kid": kid}
                    for algorithm, kid in [("RS256", "rsa-1"), ("ES256", "ec-1"), ("EdDSA", "ed-1")]])
    thread = threading.Thread(target=served.server.serve_forever, daemon=True)
    thread.start()
    yield served
    served.server.shutdown()
    served.server.server_close()


def _jwk(algorithm: str) -> dict:
    codec = {"RS256": jwt.algorithms.RSAAlgorithm, "ES256": jwt.algorithms.ECAlgorithm,
             "EdDSA": jwt.algorithms.OKPAlgorithm}[algorithm]
    return {**codec.to_jwk(PRIVATE_KEYS[algorithm].public_key(), as_dict=True), "use": "sig"}


def _jwks_settings(url: str) -> ServiceSettings:
    return ServiceSettings(jwt_jwks_url=url, jwt_issuer=ISSUER, jwt_audience=AUDIENCE, jwt_jwks_timeout_seconds=2)


def test_jwks_keys_verify_each_algorithm_by_kid_and_are_fetched_once(jwks):
    settings = _jwks_settings(jwks.url)
    keys = token_keys(settings)
    for algorithm, kid in [("RS256", "rsa-1"), ("ES256", "ec-1"), ("EdDSA", "ed-1"), ("RS256", "rsa-1")]:
        assert decode_token(signed(algorithm, kid), keys, ISSUER, AUDIENCE).sub == "staff-7"
    assert jwks.fetches == 1  # cached
    with pytest.raises(Problem) as unknown:
        decode_token(signed("RS256", "ec-1"), keys, ISSUER, AUDIENCE)  # RSA-signed, but names the EC key
    assert unknown.value.status == 401


def test_an_hmac_key_in_the_jwks_is_never_used(jwks):
    secret = "s" * 40
    jwks.keys = [{"kty": "oct", "kid": "hmac-1", "k": base64.urlsafe_b64encode(secret.encode()).decode().rstrip("=")}]
    token = jwt.encode(claims(), secret, algorithm="HS256", headers={"kid": "hmac-1"})
    assert "not one of" in refused(_jwks_settings(jwks.url), token)


def test_an_unreachable_identity_provider_is_a_503_not_a_bad_token(jwks):
    url = jwks.url
    jwks.server.shutdown()
    jwks.server.server_close()
    with pytest.raises(Problem) as failure:
        verify(_jwks_settings(url), signed("RS256", "rsa-1"))
    assert (failure.value.status, failure.value.code) == (503, "auth.keys_unavailable")


async def test_a_route_verifies_jwks_tokens_through_current_principal(jwks):
    app = FastAPI()
    app.state.settings = _jwks_settings(jwks.url)
    install_problem_handlers(app)

    @app.get("/whoami")
    def whoami(principal: CurrentPrincipal) -> dict:
        return {"sub": principal.sub}

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        async def call(token: str) -> httpx.Response:
            return await http.get("/whoami", headers={"authorization": f"Bearer {token}"})
        assert (await call(signed("ES256", "ec-1"))).json() == {"sub": "staff-7"}
        assert (await call(signed("EdDSA", "ed-1"))).status_code == 200
        wrong_audience = await call(signed("RS256", "rsa-1", aud="another-system"))
        assert wrong_audience.status_code == 401 and wrong_audience.json()["code"] == "auth.token_invalid"
        assert (await call(jwt.encode(claims(), "s" * 40, algorithm="HS256"))).status_code == 401
    assert jwks.fetches == 1  # one key source per app


@pytest.mark.parametrize("values, message", [
    ({}, "set LINLI_JWT_JWKS_URL or LINLI_JWT_PUBLIC_KEY_FILE"),
    ({"jwt_jwks_url": "http://idp.district.example/jwks"}, "must be https://"),
    ({"jwt_jwks_url": "https://idp.district.example/jwks", "jwt_audience": None}, "LINLI_JWT_AUDIENCE is required"),
    ({"jwt_jwks_url": "https://idp.district.example/jwks", "jwt_public_key": public_pem("RS256")}, "not both"),
    ({"jwt_public_key": "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----"}, "not a PEM public key"),
    ({"jwt_public_key": rsa.generate_private_key(65537, 1024).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()}, "2048 bits"),
], ids=["no-keys", "http-jwks", "no-audience", "both", "bad-pem", "short-rsa"])
def test_production_starts_only_with_one_good_public_key_source_and_an_audience(values, message):
    strong = {"pii_key": base64.b64encode(b"k" * 16 + bytes(range(16))).decode(),
              "pii_hash_key": base64.b64encode(bytes(range(32))).decode()}
    with pytest.raises(ValidationError) as failure:
        ServiceSettings(environment="production", **{"jwt_audience": AUDIENCE, **strong, **values})
    assert message in str(failure.value)
