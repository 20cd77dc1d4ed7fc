"""Production refuses every secret a template, a tutorial or a tired operator would leave in place."""
from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

import pytest
from pydantic import ValidationError

from linli_shared.settings import DEV_JWT_SECRET, DEV_PII_HASH_KEY, DEV_PII_KEY, ServiceSettings

ENV_EXAMPLE = Path(__file__).resolve().parents[2] / "deploy" / ".env.example"


def _key(n: int = 32) -> str:
    return base64.b64encode(os.urandom(n)).decode()


def strong() -> dict[str, str]:
    return {"jwt_secret": secrets.token_urlsafe(48), "pii_key": _key(), "pii_hash_key": _key(),
            "nats_password": secrets.token_urlsafe(24),
            "jwt_jwks_url": "https://idp.district.example/jwks", "jwt_audience": "linli"}  # the identity provider


def _setting(variable: str) -> tuple[str, str] | None:
    """The settings field a deploy/.env.example variable reaches, and the name a service reads it by."""
    if variable.startswith("LINLI_NATS_") and variable.endswith("_PASSWORD"):
        return "nats_password", "LINLI_NATS_PASSWORD"  # compose passes each service its own as LINLI_NATS_PASSWORD
    field = {"LINLI_JWT_SECRET": "jwt_secret", "LINLI_PII_KEY": "pii_key", "LINLI_PII_HASH_KEY": "pii_hash_key"}
    return (field[variable], variable) if variable in field else None


def example_placeholders() -> list[tuple[str, str, str]]:
    """(field, variable, value) for every shared secret deploy/.env.example ships, read so they cannot drift."""
    found = []
    for line in ENV_EXAMPLE.read_text().splitlines():
        variable, sep, value = line.partition("=")
        if sep and not line.startswith("#") and (target := _setting(variable.strip())):
            found.append((*target, value.strip()))
    return found


def refused(**values: str) -> str:
    with pytest.raises(ValidationError) as failure:
        ServiceSettings(environment="production", **{**strong(), **values})
    return str(failure.value)


def test_the_example_file_still_ships_every_shared_secret():
    # no LINLI_JWT_SECRET: production verifies the identity provider's tokens with its public keys
    assert {v for _, v, _ in example_placeholders()} == {"LINLI_PII_KEY", "LINLI_PII_HASH_KEY", "LINLI_NATS_PASSWORD"}


@pytest.mark.parametrize("field, variable, value", example_placeholders(), ids=lambda p: str(p)[:40])
def test_each_placeholder_of_the_example_env_is_refused_in_production_by_name(field, variable, value):
    message = refused(**{field: value})
    assert variable in message and "placeholder" in message
    assert value not in message  # the message names the variable, never the value


@pytest.mark.parametrize("field, variable, value, reason", [
    ("jwt_secret", "LINLI_JWT_SECRET", DEV_JWT_SECRET, "development default"),
    ("pii_key", "LINLI_PII_KEY", DEV_PII_KEY, "development default"),
    ("pii_hash_key", "LINLI_PII_HASH_KEY", DEV_PII_HASH_KEY, "development default"),
    ("jwt_secret", "LINLI_JWT_SECRET", "Zx8#kq2!Lm9@Wv4$Rt7", "shorter than 32"),
    ("jwt_secret", "LINLI_JWT_SECRET", "ab" * 30, "fewer than 10 distinct"),
    ("jwt_secret", "LINLI_JWT_SECRET", "0123456789" * 4 + "ChangeMe", "placeholder"),
    ("pii_key", "LINLI_PII_KEY", "", "not set"),
    ("pii_key", "LINLI_PII_KEY", secrets.token_urlsafe(48), "not base64 of 16, 24 or 32"),
    ("pii_key", "LINLI_PII_KEY", _key(16), "shorter than 32"),
    ("pii_key", "LINLI_PII_KEY", _key(48), "not base64 of 16, 24 or 32"),
    ("nats_password", "LINLI_NATS_PASSWORD", "nats-pass", "shorter than 16"),
    ("nats_password", "LINLI_NATS_PASSWORD", "x" * 40, "fewer than 10 distinct"),
], ids=lambda p: p if len(p) <= 22 else "value")
def test_weak_values_are_refused_in_production_by_name(field, variable, value, reason):
    message = refused(**{field: value})
    assert variable in message and reason in message


def test_the_encryption_and_hash_keys_must_differ():
    key = _key()
    message = refused(pii_key=key, pii_hash_key=key)
    assert "LINLI_PII_KEY and LINLI_PII_HASH_KEY are the same value" in message


def test_real_random_secrets_start_production_and_a_nats_password_is_optional():
    assert ServiceSettings(environment="production", **strong()).environment == "production"
    values = {k: v for k, v in strong().items() if k not in ("nats_password", "jwt_secret")}
    assert ServiceSettings(environment="production", **values, nats_password=None).nats_password is None
    assert ServiceSettings(environment="production", **values).jwt_secret is None  # HS256 is never used there
    assert ServiceSettings(environment="production", **{**values, "pii_key": _key(24)}).pii_key


def test_development_and_test_still_start_with_the_dev_defaults():
    for environment in ("development", "test"):
        settings = ServiceSettings(environment=environment)
        assert settings.jwt_secret.get_secret_value() == DEV_JWT_SECRET


def test_a_refusal_prints_no_secret_it_was_given():
    given = strong()
    with pytest.raises(ValidationError) as failure:
        ServiceSettings(environment="production", **{**given, "jwt_secret": given["jwt_secret"][:20]})
    assert not [name for name, value in given.items() if value[:8] in str(failure.value) and "url" not in name]
