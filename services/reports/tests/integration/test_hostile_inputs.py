"""Org codes, cursors and numbers as an attacker sends them: refused before any query is built."""
from __future__ import annotations

from linli_devtools.asgi import eventually
from linli_devtools.hostile import ORG_CODE_ATTACK, hostile_paging_answers, org_code_attack_answers

from reports_helpers import COMMUNITY, STREET, register, this_month

TEMPLATE = {"name": "常住人口", "indicators": [
    {"key": "residents", "label": "常住人口", "source": "registry_group", "group": "residents"}]}


async def test_a_regex_in_an_org_code_is_a_422_not_every_community(street):
    attack = ORG_CODE_ATTACK
    assert await org_code_attack_answers(street, [
        ("GET", f"/v1/orgs/{attack}/reports", {}), ("GET", f"/v1/orgs/{attack}/report-templates", {}),
        ("PUT", f"/v1/orgs/{attack}/report-templates/care", {}),
    ]) == []


async def test_every_list_refuses_a_forged_cursor_with_400_and_a_unicode_digit_limit_with_422(
        registry, district, community, store):
    await register(registry, 70)

    async def projected() -> bool:
        return await store.residents.count_documents({}) == 1

    await eventually(projected, timeout=30)
    assert (await district.put(f"/v1/orgs/{STREET}/report-templates/people", json=TEMPLATE)).status_code == 200
    run = (await district.post("/v1/report-templates/people/runs", json={"period": this_month()})).json()
    report = next(r["report_id"] for r in run["reports"] if r["community_code"] == COMMUNITY)
    assert await hostile_paging_answers(community, [
        (f"/v1/orgs/{COMMUNITY}/reports", {}), (f"/v1/reports/{report}/cells/residents/lineage", {}),
    ]) == []
    assert await hostile_paging_answers(district, [("/v1/admin/dead-letters", {})]) == []
