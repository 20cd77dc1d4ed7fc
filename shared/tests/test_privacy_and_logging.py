"""A careless log call cannot leak an ID number or phone; the vault round-trips and hashes stably."""
from __future__ import annotations

import json
import logging

import pytest
import structlog
from cryptography.exceptions import InvalidTag

from linli_shared.logging import configure_logging, get_logger
from linli_shared.privacy import PiiVault, mask_id_number, mask_phone, outside_view, redact_text

NUMBER = "11010519491231002X"


def test_masks_follow_the_domain_guide():
    assert mask_id_number("130303195001011234") == "1303**************"
    assert mask_phone("13812345678") == "138****5678"
    assert redact_text(f"身份证 {NUMBER}，电话13812345678。") == "身份证 1101**************，电话138****5678。"


def test_vault_encrypts_with_a_fresh_nonce_and_hashes_stably():
    vault = PiiVault("a" * 32, "b" * 32)
    first, second = vault.encrypt(NUMBER), vault.encrypt(NUMBER)
    assert first != second and NUMBER not in first
    assert vault.decrypt(first) == NUMBER == vault.decrypt(second)
    assert vault.keyed_hash(NUMBER) == vault.keyed_hash(NUMBER) != PiiVault("a" * 32, "c" * 32).keyed_hash(NUMBER)


def test_vault_seals_bytes_bound_to_their_context():
    vault = PiiVault("a" * 32, "b" * 32)
    sealed = vault.encrypt_bytes(NUMBER.encode(), b"import-1:0")
    assert NUMBER.encode() not in sealed
    assert vault.decrypt_bytes(sealed, b"import-1:0") == NUMBER.encode()
    with pytest.raises(InvalidTag):  # a chunk moved to another file or position does not decrypt
        vault.decrypt_bytes(sealed, b"import-1:1")


def test_log_lines_are_json_with_sensitive_fields_redacted(capsys, stdlib_logging_restored):
    configure_logging("testsvc")
    try:
        structlog.contextvars.bind_contextvars(trace_id="t" * 32)
        get_logger().info("resident.saved", id_number=NUMBER, phone="13812345678", password="hunter2",
                          note=f"ID {NUMBER}", nested={"phones": ["13912345678"]})
    finally:
        structlog.contextvars.clear_contextvars()
        structlog.reset_defaults()
    line = capsys.readouterr().out.strip().splitlines()[-1]
    record = json.loads(line)
    assert list(record)[:5] == ["ts", "level", "service", "event", "trace_id"]
    assert (record["service"], record["event"], record["level"]) == ("testsvc", "resident.saved", "info")
    assert (record["id_number"], record["phone"], record["password"]) == (
        "1101**************", "138****5678", "[redacted]")
    assert record["nested"] == {"phones": ["139****5678"]}
    assert NUMBER not in line and "13812345678" not in line


def test_an_http_client_call_s_url_is_not_logged(capsys, stdlib_logging_restored):
    """httpx logs each request's URL at INFO; a console search's query (a resident's name) must not reach the logs."""
    configure_logging("testsvc")
    try:
        logging.getLogger("httpx").info('HTTP Request: GET http://registry/v1/residents?q=王建国 "HTTP/1.1 200 OK"')
    finally:
        structlog.reset_defaults()
    assert "王建国" not in capsys.readouterr().out


def test_what_leaves_for_outside_systems_has_phones_masked_wherever_they_sit():
    data = {"name": "王小明", "phone": "13812345678", "household": {"members": [{"phone": "13912345678"}]}}
    assert outside_view(data) == {"name": "王小明", "phone": "138****5678",
                                  "household": {"members": [{"phone": "139****5678"}]}}
