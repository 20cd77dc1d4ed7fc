"""Every shape of ID number, phone and secret a log call may carry is masked in the rendered JSON line."""
from __future__ import annotations

import json

import pytest
import structlog

from linli_shared.logging import configure_logging, get_logger

ID = "11010519491231002X"
ID_OLD = "110105491231002"  # the 15-digit cards issued before 1999
ID_DIGITS = "110105194912310021"
PHONE = "13812345678"


def rendered(**fields) -> str:
    """The line the real pipeline prints (processors, redaction, JSON renderer) for one log call."""
    configure_logging("testsvc")
    try:
        get_logger().info("test.logged", **fields)
    finally:
        structlog.reset_defaults()
    return rendered.capsys.readouterr().out.strip().splitlines()[-1]


@pytest.fixture(autouse=True)
def _capture(capsys, stdlib_logging_restored):
    rendered.capsys = capsys


@pytest.mark.parametrize("fields, raw", [
    ({"note": f"+86{PHONE}"}, PHONE),
    ({"note": f"0086{PHONE}"}, PHONE),
    ({"note": f"+86 {PHONE}"}, PHONE),
    ({"note": "电话138-1234-5678"}, "1234-5678"),
    ({"note": "电话 138 1234 5678。"}, "1234 5678"),
    ({"phone": int(PHONE)}, PHONE),
    ({"contact": int(PHONE)}, PHONE),
    ({"id_number": ID_OLD}, ID_OLD[4:]),
    ({"note": f"旧证 {ID_OLD}"}, ID_OLD[4:]),
    ({"note": f"id{ID}abc"}, ID[4:]),
    ({"note": f"身份证{ID}号"}, ID[4:]),
    ({"note": f"身份证号码：{ID.lower()}"}, ID[4:].lower()),
    ({"id_number": int(ID_DIGITS)}, ID_DIGITS[4:]),
    ({"value": int(ID_DIGITS)}, ID_DIGITS[4:]),
    ({"rows": [{"cells": [f"{ID}", PHONE]}]}, ID[4:]),
], ids=lambda v: json.dumps(v, ensure_ascii=False)[:40] if isinstance(v, dict) else "")
def test_numbers_in_every_shape_are_masked(fields, raw):
    line = rendered(**fields)
    assert raw not in line, line


@pytest.mark.parametrize("key", ["api_key", "apikey", "access_token", "refresh_token", "client_secret",
                                 "private_key", "cookie", "set-cookie", "x-api-key", "sms_api_key",
                                 "smtp_password", "nats_password", "pii_hash_key", "jwt_secret", "Authorization",
                                 "X-Auth-Token", "password"])
def test_secret_fields_are_redacted_by_name_at_any_depth(key):
    value = "s3cr3t-Vq7Lr2Xw9Kd4Tn8H"
    line = rendered(**{key: value, "headers": {key: value}})
    assert value not in line
    record = json.loads(line)
    assert record[key] == "[redacted]" and record["headers"][key] == "[redacted]"


@pytest.mark.parametrize("value", ["130303001001", "130303", "130303001", "130303001001-03", 130303001001,
                                   "order 202612060001234", 1796542990123, "2026-12-06T06:03:10.123456+00:00",
                                   "20261206063010123456", "3f2a9c1e-6b1d-4c1a-9f8e-2d1c3b4a5e6f", 4200])
def test_codes_ids_and_timestamps_are_not_mangled(value):
    assert json.loads(rendered(value=value))["value"] == value
