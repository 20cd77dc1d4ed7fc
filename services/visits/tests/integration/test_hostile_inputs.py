"""Org codes, cursors and numbers as an attacker sends them: refused before any query is built."""
from __future__ import annotations

from linli_devtools.asgi import client
from linli_devtools.hostile import ORG_CODE_ATTACK, hostile_paging_answers, org_code_attack_answers

from visits_helpers import COMMUNITY, STREET


async def test_a_regex_in_an_org_code_is_a_422_not_every_community(apps, make_token):
    attack = ORG_CODE_ATTACK
    async with client(apps[1], make_token(roles=["admin"], scope=[STREET])) as street_admin:
        assert await org_code_attack_answers(street_admin, [
            ("GET", f"/v1/orgs/{attack}/visit-statistics", {"from": "2026-01-01", "to": "2026-12-31"}),
            ("GET", f"/v1/communities/{attack}/visit-tasks", {}), ("GET", f"/v1/communities/{attack}/needs", {}),
            ("GET", f"/v1/communities/{attack}/visit-policy", {}), ("POST", f"/v1/communities/{attack}/visits", {}),
        ]) == []


async def test_every_list_refuses_a_forged_cursor_with_400_and_a_unicode_digit_limit_with_422(visits):
    assert await hostile_paging_answers(visits, [
        (f"/v1/communities/{COMMUNITY}/visit-tasks", {}), ("/v1/my/visit-tasks", {}),
        (f"/v1/communities/{COMMUNITY}/needs", {}), ("/v1/admin/dead-letters", {}),
    ]) == []
