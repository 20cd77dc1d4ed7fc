"""Officers see aggregates only: a group of fewer people than LINLI_SUPPRESS_BELOW is hidden from them on every
statistics page, with whatever it could be worked out from; the community sees its exact figures."""
from __future__ import annotations

from datetime import date

import pytest

from registry_helpers import COMMUNITY, DISTRICT, OTHER_COMMUNITY, STREET, new_resident

AS_OF = "2026-06-30"


@pytest.fixture
async def officer(client_for, make_token):
    return client_for(make_token(roles=["officer"], scope=[DISTRICT], sub="district-officer"))


async def _elderly(admin) -> None:
    """3 people over 60 in 工农里, 5 in 建树里, nobody else."""
    for n in range(3):
        await new_resident(admin, date(1940 + n, 1, 1), "female", COMMUNITY)
    for n in range(5):
        await new_resident(admin, date(1945 + n, 1, 1), "male", OTHER_COMMUNITY)


async def _page(client, code: str) -> dict:
    response = await client.get(f"/v1/orgs/{code}/statistics", params={"as_of": AS_OF})
    assert response.status_code == 200, response.text
    return response.json()


async def test_an_officer_sees_a_group_of_3_suppressed_while_the_community_admin_sees_3(admin, officer):
    await _elderly(admin)

    seen = await _page(officer, COMMUNITY)
    assert seen["statistics"]["elderly_60"] is None and "elderly_60" in seen["suppressed"]
    assert seen["suppressed_below"] == 5
    assert seen["statistics"]["unemployed"] == 0  # nobody points at no one: zero is shown

    own = await _page(admin, COMMUNITY)
    assert own["statistics"]["elderly_60"] == 3 and own["suppressed"] == [] and own["suppressed_below"] is None


async def test_a_street_breakdown_hides_a_complementary_community_so_the_total_reveals_no_small_group(
        admin, officer):
    await _elderly(admin)

    street = await _page(officer, STREET)
    by_community = {b["org_code"]: b["statistics"]["elderly_60"] for b in street["breakdown"]}
    assert by_community == {COMMUNITY: None, OTHER_COMMUNITY: None}  # 8 − 5 would be 工农里's 3
    assert street["statistics"]["elderly_60"] == 8 and "elderly_60" not in street["suppressed"]
    # 建树里's own page hides its 5 too, or 8 − 5 could be had from two pages.
    assert (await _page(officer, OTHER_COMMUNITY))["statistics"]["elderly_60"] is None
    assert (await _page(officer, DISTRICT))["statistics"]["elderly_60"] == 8

    exact = await _page(admin, STREET)
    assert {b["org_code"]: b["statistics"]["elderly_60"] for b in exact["breakdown"]} == {
        COMMUNITY: 3, OTHER_COMMUNITY: 5}


@pytest.mark.parametrize("service_env", [{"LINLI_SUPPRESS_BELOW": "3"}])
async def test_the_threshold_is_the_setting_LINLI_SUPPRESS_BELOW(admin, officer):
    await _elderly(admin)

    seen = await _page(officer, STREET)
    assert seen["suppressed_below"] == 3
    assert {b["org_code"]: b["statistics"]["elderly_60"] for b in seen["breakdown"]} == {
        COMMUNITY: 3, OTHER_COMMUNITY: 5}
