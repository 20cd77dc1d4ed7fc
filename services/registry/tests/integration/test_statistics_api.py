"""The statistics table for a community, a street and a district, on any as-of date."""
from __future__ import annotations

import asyncio
from datetime import date

from linli_registry.service_layer.queries import warm_statistics

from registry_helpers import COMMUNITY, DISTRICT, OTHER_COMMUNITY, STREET, new_household, new_resident

AS_OF = "2026-06-30"


async def _populate(admin) -> dict:
    """工农里: an empty-nest couple, a living-alone 83-year-old on 低保, an unemployed 4050 woman; 建树里: two."""
    couple = await new_household(admin)
    await new_resident(admin, date(1950, 1, 1), "male", household_id=couple, relation_to_head="head")
    await new_resident(admin, date(1952, 1, 1), "female", household_id=couple, relation_to_head="spouse")
    alone = await new_household(admin)
    await admin.put(f"/v1/households/{alone}/low-income", json={"since": "2020-01-01", "monthly_amount_cny": 182})
    elder = await new_resident(admin, date(1943, 2, 1), "female", household_id=alone)
    family = await new_household(admin)
    await new_resident(admin, date(1982, 5, 1), "female", household_id=family, employment_status="laid_off")
    await new_resident(admin, date(2022, 5, 1), "male", household_id=family, employment_status="preschool")
    other = await new_household(admin, OTHER_COMMUNITY)
    await new_resident(admin, date(1970, 5, 1), "male", OTHER_COMMUNITY, household_id=other,
                       employment_status="unemployed")
    await new_resident(admin, date(1995, 5, 1), "female", OTHER_COMMUNITY, household_id=other, party_member=True)
    return elder


def _pick(body: dict, *keys: str) -> tuple:
    return tuple(body["statistics"][k] for k in keys)


KEYS = ("residents", "households", "elderly_60", "elderly_80", "empty_nest_households", "living_alone_elderly",
        "unemployed", "hard_to_employ_4050", "low_income_households", "children_under_6", "party_members")


async def test_street_and_district_are_exactly_the_sum_of_their_communities(admin):
    await _populate(admin)
    community = (await admin.get(f"/v1/orgs/{COMMUNITY}/statistics", params={"as_of": AS_OF})).json()
    other = (await admin.get(f"/v1/orgs/{OTHER_COMMUNITY}/statistics", params={"as_of": AS_OF})).json()
    street = (await admin.get(f"/v1/orgs/{STREET}/statistics", params={"as_of": AS_OF})).json()
    district = (await admin.get(f"/v1/orgs/{DISTRICT}/statistics", params={"as_of": AS_OF})).json()
    assert _pick(community, *KEYS) == (5, 3, 3, 1, 2, 1, 1, 1, 1, 1, 0)
    assert _pick(other, *KEYS) == (2, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1)
    assert street["statistics"] == {k: community["statistics"][k] + other["statistics"][k]
                                    for k in community["statistics"]}
    assert district["statistics"] == street["statistics"]
    assert [(b["org_code"], b["statistics"]["residents"]) for b in street["breakdown"]] == [
        (COMMUNITY, 5), (OTHER_COMMUNITY, 2)]
    assert [b["org_code"] for b in district["breakdown"]] == [STREET]


async def test_the_dead_stop_counting_from_the_day_they_die(admin):
    elder = await _populate(admin)
    await admin.post(f"/v1/residents/{elder['id']}/life-events", json={"kind": "deceased", "date": "2026-07-15"})
    before = (await admin.get(f"/v1/orgs/{COMMUNITY}/statistics", params={"as_of": "2026-07-14"})).json()
    after = (await admin.get(f"/v1/orgs/{COMMUNITY}/statistics", params={"as_of": "2026-07-15"})).json()
    assert _pick(before, "residents", "elderly_80", "living_alone_elderly", "low_income_households") == (5, 1, 1, 1)
    assert _pick(after, "residents", "elderly_80", "living_alone_elderly", "low_income_households") == (4, 0, 0, 0)


async def test_statistics_need_a_known_org_and_a_real_date(admin):
    unknown = await admin.get("/v1/orgs/130303009/statistics")
    bad_date = await admin.get(f"/v1/orgs/{COMMUNITY}/statistics", params={"as_of": "2026-02-30"})
    assert (unknown.status_code, bad_date.status_code) == (404, 422)


async def test_cached_figures_follow_every_write(admin):
    await _populate(admin)
    url = f"/v1/orgs/{STREET}/statistics"
    before = (await admin.get(url, params={"as_of": AS_OF})).json()["statistics"]
    again = (await admin.get(url, params={"as_of": AS_OF})).json()["statistics"]
    await new_resident(admin, date(1930, 1, 1), "male", OTHER_COMMUNITY)
    after = (await admin.get(url, params={"as_of": AS_OF})).json()["statistics"]
    assert before == again
    assert (after["residents"], after["elderly_80"]) == (before["residents"] + 1, before["elderly_80"] + 1)


def _facts_read(reg) -> list[str]:
    """The communities whose facts are asked for from now on, in order."""
    asked, of = [], reg.facts.of

    async def counted(db, community):
        asked.append(community)
        return await of(db, community)

    reg.facts.of = counted
    return asked


async def test_officers_opening_a_cold_district_at_once_compute_each_community_once(app, admin):
    await _populate(admin)
    reg = app.state.registry
    asked = _facts_read(reg)
    url = f"/v1/orgs/{DISTRICT}/statistics"
    pages = await asyncio.gather(*(admin.get(url, params={"as_of": AS_OF}) for _ in range(4)))
    assert len({page.text for page in pages}) == 1
    assert sorted(asked) == [COMMUNITY, OTHER_COMMUNITY]


async def test_the_warmup_counts_each_changed_community_once_so_todays_page_counts_nothing(app, admin):
    await _populate(admin)
    reg = app.state.registry
    asked = _facts_read(reg)
    await warm_statistics(reg)  # the app's own warm-up may have counted some already, at its start
    asked.clear()
    page = await admin.get(f"/v1/orgs/{DISTRICT}/statistics")  # today, as the warm-up counted
    assert (page.status_code, page.json()["statistics"]["residents"], asked) == (200, 7, [])
    assert await warm_statistics(reg) == 0
    await new_resident(admin, date(1930, 1, 1), "male", OTHER_COMMUNITY)
    assert (await warm_statistics(reg), asked) == (1, [OTHER_COMMUNITY])
