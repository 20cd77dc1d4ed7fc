"""Where notify may send in production, and what a webhook may receive: pure rules, no I/O."""
from __future__ import annotations

import ipaddress

import pytest

from linli_notify.domain.data_classes import DATA_CLASSES, granted_view
from linli_notify.domain.targets import TargetPolicy, TargetRefused, internal

STATE = {"resident_id": "r-1", "community_code": "130303001001", "household_id": "h-1", "name": "王秀英",
         "phone": "13812345678", "health": "高血压", "disability": {"grade": 2}, "special_care": ["低保"],
         "ethnicity": "回族", "retired_cadre": {"family_and_health": "老伴卧床"}, "groups": ["elderly_alone"],
         "address": {"estate": "海港小区"}, "something_new": "x"}


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.1", "172.16.0.1", "192.168.1.1", "169.254.169.254",
                                     "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::",
                                     "fe80::1", "fc00::1", "::ffff:127.0.0.1", "2002:7f00:1::1", "ff02::1"])
def test_internal_addresses_are_refused(address):
    assert internal(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "114.114.114.114", "2400:3200::1"])
def test_public_addresses_are_not(address):
    assert not internal(ipaddress.ip_address(address))


def test_production_policy_wants_https_and_public_addresses_unless_allow_listed():
    policy = TargetPolicy.from_list(True, ["SMS.internal.", "10.1.2.0/24"])
    with pytest.raises(TargetRefused) as caught:
        policy.host_of("http://hooks.example.org/x")
    assert caught.value.code == "insecure"
    assert policy.host_of("https://sms.internal/send") == ("sms.internal", 443, True)
    policy.check_addresses("gw", [ipaddress.ip_address("10.1.2.3")])
    with pytest.raises(TargetRefused) as caught:  # one internal answer among public ones is enough
        policy.check_addresses("gw", [ipaddress.ip_address("8.8.8.8"), ipaddress.ip_address("10.9.9.9")])
    assert caught.value.code == "refused" and "10.9.9.9" not in caught.value.detail
    TargetPolicy.from_list(False, []).check_addresses("dev", [ipaddress.ip_address("127.0.0.1")])


def test_a_webhook_granted_nothing_gets_only_identifiers_and_unknown_fields_never():
    assert granted_view(STATE, frozenset(), "registry") == (
        {"resident_id": "r-1", "community_code": "130303001001", "household_id": "h-1"}, [])
    everything, personal = granted_view(STATE, frozenset(DATA_CLASSES), "registry")
    assert "something_new" not in everything and set(personal) == set(STATE) - {
        "resident_id", "community_code", "household_id", "something_new"}


def test_a_field_that_mixes_classes_needs_every_one_of_them():
    only_care, _ = granted_view(STATE, frozenset({"special_care"}), "registry")
    assert "retired_cadre" not in only_care and only_care["special_care"] == ["低保"]
    both, _ = granted_view(STATE, frozenset({"special_care", "free_text"}), "registry")
    assert both["retired_cadre"] == {"family_and_health": "老伴卧床"}
    health, _ = granted_view(STATE, frozenset({"health"}), "registry")
    assert set(health) == {"resident_id", "community_code", "household_id", "health"}
