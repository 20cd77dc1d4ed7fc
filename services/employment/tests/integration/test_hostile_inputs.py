"""Org codes, cursors and numbers as an attacker sends them: refused before any query is built."""
from __future__ import annotations

from linli_devtools.asgi import client
from linli_devtools.hostile import ORG_CODE_ATTACK, hostile_paging_answers, org_code_attack_answers

from employment_helpers import COMMUNITY, DISTRICT, STREET


async def test_a_regex_in_an_org_code_is_a_422_not_every_community(apps, make_token):
    attack = ORG_CODE_ATTACK
    async with client(apps[1], make_token(roles=["admin"], scope=[STREET])) as street_admin:
        assert await org_code_attack_answers(street_admin, [
            ("GET", f"/v1/orgs/{attack}/employment-statistics", {"from": "2026-01-01", "to": "2026-12-31"}),
            ("GET", f"/v1/communities/{attack}/job-seekers", {}), ("GET", "/v1/jobs", {"community": attack}),
        ]) == []
        for code in (attack, "１３０３０３００１００１"):
            employer = await street_admin.post("/v1/employers", json={"name": "港城物业", "kind": "business",
                                                                       "community_code": code})
            assert (employer.status_code, employer.json()["code"]) == (422, "org.code.invalid")


async def test_every_list_refuses_a_forged_cursor_with_400_and_a_unicode_digit_limit_with_422(apps, make_token):
    async with client(apps[1], make_token(roles=["admin"], scope=[DISTRICT])) as admin:
        assert await hostile_paging_answers(admin, [
            ("/v1/jobs", {}), (f"/v1/communities/{COMMUNITY}/job-seekers", {}), ("/v1/admin/dead-letters", {}),
        ]) == []
