"""Org codes, cursors and numbers as an attacker sends them: refused before any query is built."""
from __future__ import annotations

from linli_devtools.hostile import ORG_CODE_ATTACK, hostile_paging_answers, org_code_attack_answers

from registry_helpers import COMMUNITY, STREET, new_household


async def test_a_regex_in_an_org_code_is_a_422_not_every_community(client_for, make_token, admin):
    street_admin = client_for(make_token(roles=["admin"], scope=[STREET], perms=["pii:read"]))
    attack = ORG_CODE_ATTACK
    assert await org_code_attack_answers(street_admin, [
        ("GET", f"/v1/orgs/{attack}/staff", {}), ("GET", f"/v1/orgs/{attack}/statistics", {}),
        ("GET", f"/v1/orgs/{attack}", {}), ("PUT", f"/v1/orgs/{attack}", {}),
        ("GET", f"/v1/communities/{attack}/residents", {}), ("GET", f"/v1/communities/{attack}/imports", {}),
        ("POST", f"/v1/communities/{attack}/households", {}), ("GET", "/v1/audit-trail", {"community": attack}),
        ("GET", "/v1/orgs/１３０３０３001/statistics", {}),
    ]) == []


async def test_every_list_refuses_a_forged_cursor_with_400_and_a_unicode_digit_limit_with_422(admin):
    await new_household(admin)
    assert await hostile_paging_answers(admin, [
        (f"/v1/communities/{COMMUNITY}/residents", {}), (f"/v1/communities/{COMMUNITY}/residents", {"q": "31栋"}),
        (f"/v1/orgs/{STREET}/staff", {}), ("/v1/audit-trail", {}), ("/v1/admin/dead-letters", {}),
    ]) == []
