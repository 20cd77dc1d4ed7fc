"""Tokens and scoping, as plain functions."""
from __future__ import annotations

import time

import jwt
import pytest

from linli_shared.auth import Access, Principal, decode_token, issue_token
from linli_shared.errors import Problem

SECRET = "s" * 40


def test_a_code_covers_everything_beneath_it():
    principal = Principal(sub="p", roles=frozenset({"worker"}), scope=("130303001",))
    assert principal.covers("130303001001") and principal.covers("130303001001-03")
    assert not principal.covers("130303002001") and not principal.covers("130303")


@pytest.mark.parametrize("roles, access, allowed", [
    ({"officer"}, Access.AGGREGATE, True), ({"officer"}, Access.READ, False), ({"worker"}, Access.ADMIN, False),
    ({"admin"}, Access.ADMIN, True), ({"service"}, Access.WRITE, True), (set(), Access.AGGREGATE, False),
])
def test_roles_decide_what_may_be_done(roles, access, allowed):
    principal = Principal(sub="p", roles=frozenset(roles), scope=("130303",))
    if allowed:
        principal.authorize("130303001001", access)
    else:
        with pytest.raises(Problem) as denied:
            principal.authorize("130303001001", access)
        assert (denied.value.status, denied.value.code) == (403, "auth.role")


def test_tokens_round_trip_and_are_checked():
    token = issue_token(SECRET, "staff-1", ["worker"], ["130303001001"], ["pii:read"])
    principal = decode_token(token, SECRET)
    assert (principal.sub, principal.scope, principal.can_read_pii) == ("staff-1", ("130303001001",), True)
    expired = issue_token(SECRET, "x", [], [], ttl_seconds=-5)
    for bad, code in [(token, "auth.token_invalid"), (expired, "auth.token_expired")]:
        with pytest.raises(Problem) as failure:
            decode_token(bad, "another-secret" * 3 if bad is token else SECRET)
        assert (failure.value.status, failure.value.code) == (401, code)
    with pytest.raises(Problem):
        decode_token(issue_token(SECRET, "x", [], [], issuer="someone-else"), SECRET)


def test_scope_filter_is_an_anchored_prefix_per_code():
    principal = Principal(sub="p", roles=frozenset({"worker"}), scope=("130303001", "130304"))
    assert principal.scope_filter() == {"$or": [{"community_code": {"$regex": "^130303001"}},
                                                {"community_code": {"$regex": "^130304"}}]}


def test_scope_filter_escapes_each_code_so_no_pattern_comes_from_a_token():
    principal = Principal(sub="p", roles=frozenset({"worker"}), scope=("130303001|.*",))
    assert principal.scope_filter() == {"$or": [{"community_code": {"$regex": "^130303001\\|\\.\\*"}}]}


def _claims_token(**claims) -> str:
    now = int(time.time())
    return jwt.encode({"sub": "x", "iss": "linli", "iat": now, "exp": now + 60, "roles": ["admin"],
                       "scope": ["130303001001"], "perms": [], **claims}, SECRET, algorithm="HS256")


@pytest.mark.parametrize("claim, value, detail", [
    ("scope", "130303001001", "scope must be a list of org codes"),  # would iterate into 1-digit prefixes
    ("scope", ["", "130303001001"], "scope must be a list of org codes"),  # "" prefixes every org
    ("scope", ["130303001|.*"], "scope must be a list of org codes"),
    ("scope", ["１３０３０３"], "scope must be a list of org codes"),
    ("scope", [130303], "scope must be a list of org codes"),
    ("scope", {"130303": True}, "scope must be a list of org codes"),
    ("scope", None, "scope must be a list of org codes"),
    ("roles", "admin", "roles must be a list of strings"),
    ("roles", ["admin", 1], "roles must be a list of strings"),
    ("perms", "pii:read", "perms must be a list of strings"),
    ("perms", {"pii:read": 1}, "perms must be a list of strings"),
])
def test_a_claim_of_the_wrong_shape_is_an_invalid_token(claim, value, detail):
    with pytest.raises(Problem) as refused:
        decode_token(_claims_token(**{claim: value}), SECRET)
    assert (refused.value.status, refused.value.code) == (401, "auth.token_invalid")
    assert detail in refused.value.detail


def test_a_list_of_whole_org_codes_is_the_scope():
    codes = ["130303", "130304001", "130303001001", "130303001001-03"]
    assert decode_token(_claims_token(scope=codes), SECRET).scope == tuple(codes)
    assert decode_token(_claims_token(scope=[]), SECRET).scope == ()
