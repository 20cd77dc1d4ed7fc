"""Org codes, cursors and numbers as an attacker sends them: refused before any query is built."""
from __future__ import annotations

from linli_devtools.hostile import ORG_CODE_ATTACK, hostile_paging_answers, org_code_attack_answers


async def test_a_regex_in_an_org_code_is_a_422_not_every_community(admin):
    attack = ORG_CODE_ATTACK
    assert await org_code_attack_answers(admin, [
        ("GET", f"/v1/communities/{attack}/notify-settings", {}),
        ("PUT", f"/v1/communities/{attack}/notify-settings", {}),
    ]) == []
    hook = await admin.post("/v1/webhooks", json={"org_code": attack, "url": "https://hooks.example.org/linli",
                                                  "event_types": ["linli.visits.visit.recorded.v1"]})
    assert (hook.status_code, hook.json()["code"]) == (422, "org.code.invalid")


async def test_every_list_refuses_a_forged_cursor_with_400_and_a_unicode_digit_limit_with_422(admin):
    assert await hostile_paging_answers(admin, [
        ("/v1/inbox", {}), ("/v1/notifications", {}), ("/v1/admin/dead-letters", {}),
    ]) == []
