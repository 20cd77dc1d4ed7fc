"""Every secret setting may come from a file (`<VARIABLE>_FILE`, as compose secrets mount them)."""
from __future__ import annotations

import base64
import os
import secrets

import pytest
from pydantic import Field, SecretStr
from pydantic_settings import SettingsError

from linli_shared.settings import ServiceSettings, file_variables, service_env

PRODUCTION = {"LINLI_ENVIRONMENT": "production", "LINLI_JWT_JWKS_URL": "https://idp.district.example/jwks",
              "LINLI_JWT_AUDIENCE": "linli"}


class GatewaySettings(ServiceSettings):
    """A service's own secret, named by the convention (`LINLI_<SERVICE>_<NAME>`), as notify's are."""

    sms_api_key: SecretStr = Field(SecretStr(""), validation_alias=service_env("notify")("sms_api_key"))


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


@pytest.fixture
def env(monkeypatch, tmp_path):
    """Sets variables, writing the value of each `*_FILE` one to a file first."""
    def set_all(**variables: str) -> None:
        for name, value in variables.items():
            if name.endswith("_FILE"):
                path = tmp_path / name.lower()
                path.write_text(value)
                value = str(path)
            monkeypatch.setenv(name, value)
    return set_all


def test_every_secret_setting_and_the_mongo_url_may_come_from_a_file():
    assert set(file_variables(GatewaySettings).values()) >= {
        "LINLI_JWT_SECRET", "LINLI_PII_KEY", "LINLI_PII_HASH_KEY", "LINLI_NATS_PASSWORD", "LINLI_MONGO_URL",
        "LINLI_JWT_PUBLIC_KEY", "LINLI_NOTIFY_SMS_API_KEY"}


def test_values_are_read_from_files_less_one_trailing_newline(env):
    pii_key, hash_key, nats = _key(), _key(), secrets.token_urlsafe(24)
    env(LINLI_PII_KEY_FILE=pii_key + "\n", LINLI_PII_HASH_KEY_FILE=hash_key + "\r\n",
        LINLI_NATS_PASSWORD_FILE=nats + "\n\n", LINLI_JWT_SECRET_FILE="s" * 40,
        LINLI_MONGO_URL_FILE="mongodb://registry:pw@mongo:27017/?replicaSet=rs0\n",
        LINLI_NOTIFY_SMS_API_KEY_FILE="gateway-key\n")
    settings = GatewaySettings()
    assert settings.pii_key.get_secret_value() == pii_key
    assert settings.pii_hash_key.get_secret_value() == hash_key
    assert settings.nats_password.get_secret_value() == nats + "\n"  # only one newline is the file's end
    assert settings.jwt_secret.get_secret_value() == "s" * 40
    assert settings.mongo_url == "mongodb://registry:pw@mongo:27017/?replicaSet=rs0"
    assert settings.sms_api_key.get_secret_value() == "gateway-key"


def test_a_variable_and_its_file_together_are_refused(env):
    env(LINLI_PII_KEY=_key(), LINLI_PII_KEY_FILE=_key())
    with pytest.raises(SettingsError, match="LINLI_PII_KEY and LINLI_PII_KEY_FILE are both set"):
        ServiceSettings()


def test_a_missing_or_unreadable_file_names_its_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("LINLI_NOTIFY_SMS_API_KEY_FILE", str(tmp_path / "absent"))
    with pytest.raises(SettingsError, match="LINLI_NOTIFY_SMS_API_KEY_FILE: cannot read .*absent: No such file"):
        GatewaySettings()
    monkeypatch.setenv("LINLI_NOTIFY_SMS_API_KEY_FILE", str(tmp_path))  # a directory
    with pytest.raises(SettingsError, match="LINLI_NOTIFY_SMS_API_KEY_FILE: cannot read"):
        GatewaySettings()


def test_production_refuses_a_weak_secret_read_from_a_file_by_name(env):
    env(**PRODUCTION, LINLI_PII_KEY_FILE="replace-me-base64-32-bytes\n", LINLI_PII_HASH_KEY_FILE=_key())
    with pytest.raises(ValueError) as failure:
        ServiceSettings()
    assert "LINLI_PII_KEY is a placeholder" in str(failure.value)
    assert "replace-me-base64" not in str(failure.value)


def test_production_starts_with_every_secret_from_files(env):
    env(**PRODUCTION, LINLI_PII_KEY_FILE=_key() + "\n", LINLI_PII_HASH_KEY_FILE=_key() + "\n",
        LINLI_NATS_PASSWORD_FILE=secrets.token_urlsafe(24) + "\n")
    assert ServiceSettings().environment == "production"
