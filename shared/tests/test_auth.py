"""Tokens and scoping, as plain functions."""
from __future__ import annotations

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


def test_an_empty_scope_code_covers_nothing():
    principal = decode_token(issue_token(SECRET, "x", ["admin"], ["", "130303001001"]), SECRET)
    assert principal.scope == ("130303001001",)
    assert not principal.covers("130304001001")
