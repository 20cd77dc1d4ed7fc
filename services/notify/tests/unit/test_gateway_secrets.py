"""Notify's own secrets (the SMS gateway key, the SMTP password) go through the same production check."""
from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

import pytest
from pydantic import ValidationError

from linli_notify.settings import NotifySettings

ENV_EXAMPLE = Path(__file__).resolve().parents[4] / "deploy" / ".env.example"
GATEWAY = {"sms_primary_url": "https://sms-gateway.district.gov.cn/send", "dev_sink": False}


def _example(variable: str) -> str:
    lines = [line for line in ENV_EXAMPLE.read_text().splitlines() if line.startswith(f"{variable}=")]
    return lines[0].partition("=")[2].strip()


def _production(**values) -> NotifySettings:
    keys = {"jwt_secret": secrets.token_urlsafe(48), "pii_key": base64.b64encode(os.urandom(32)).decode(),
            "pii_hash_key": base64.b64encode(os.urandom(32)).decode(),
            # production verifies the identity provider's tokens
            "jwt_jwks_url": "https://idp.district.example/jwks", "jwt_audience": "linli"}
    return NotifySettings(environment="production", **keys, **values)


@pytest.mark.parametrize("field, variable, value", [
    ("sms_api_key", "LINLI_NOTIFY_SMS_API_KEY", _example("LINLI_NOTIFY_SMS_API_KEY")),
    ("sms_api_key", "LINLI_NOTIFY_SMS_API_KEY", ""),
    ("sms_api_key", "LINLI_NOTIFY_SMS_API_KEY", "k" * 32),
    ("smtp_password", "LINLI_NOTIFY_SMTP_PASSWORD", "changeme-smtp-2026"),
    ("smtp_password", "LINLI_NOTIFY_SMTP_PASSWORD", "hunter2"),
])
def test_a_placeholder_or_weak_gateway_secret_is_refused_in_production_by_name(field, variable, value):
    values = {**GATEWAY, "sms_api_key": secrets.token_urlsafe(24), field: value}
    with pytest.raises(ValidationError) as failure:
        _production(**values)
    assert variable in str(failure.value)


def test_real_gateway_secrets_start_and_the_dev_sink_needs_no_key():
    assert _production(**GATEWAY, sms_api_key=secrets.token_urlsafe(24), smtp_password=secrets.token_urlsafe(18))
    assert _production(sms_primary_url="https://sms-gateway.district.gov.cn/send", dev_sink=True).dev_sink
    assert NotifySettings(environment="development").dev_sink
