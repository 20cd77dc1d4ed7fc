"""Helpers for employment tests: residents registered through the registry, seekers read from employment."""
from __future__ import annotations

from linli_devtools.asgi import eventually
from linli_devtools.orgs import COMMUNITY, DISTRICT, STREET  # noqa: F401  (the tests import them from here)
from linli_devtools.orgs import OTHER_COMMUNITY as OTHER  # noqa: F401
from linli_devtools.people import born_years_ago, id_number
from linli_shared.clock import Clock

TODAY = Clock().today()


async def household(registry, community: str = COMMUNITY) -> str:
    response = await registry.post(f"/v1/communities/{community}/households", json={"address": {"estate": "工农里"}})
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def resident(registry, age: int, gender: str = "female", community: str = COMMUNITY, **fields) -> dict:
    birth = born_years_ago(age, TODAY, days_before=fields.pop("days_before", 30))
    body = {"name": fields.pop("name", "伊平"), "id_number": id_number(birth, gender), **fields}
    response = await registry.post(f"/v1/communities/{community}/residents", json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def seeker_of(employment, resident_id: str, **expect) -> dict:
    async def found():
        response = await employment.get(f"/v1/job-seekers/{resident_id}")
        body = response.json() if response.status_code == 200 else None
        return body if body and all(body.get(k) == v for k, v in expect.items()) else None
    return await eventually(found)


async def active_seeker(employment, resident_id: str, categories=("domestic_help",), **intentions) -> dict:
    await seeker_of(employment, resident_id)
    body = {"resident_id": resident_id, "intentions": {"categories": list(categories), **intentions}}
    response = await employment.post(f"/v1/communities/{COMMUNITY}/job-seekers", json=body)
    assert response.status_code == 200, response.text
    return response.json()


async def employer_and_job(employment, community: str = COMMUNITY, **job) -> dict:
    employer = await employment.post("/v1/employers", json={"name": "绿色假日酒店", "kind": "business",
                                                           "community_code": community})
    assert employer.status_code == 201, employer.text
    body = {"employer_id": employer.json()["id"], "title": "保洁员", "category": "cleaning", "headcount": 1,
            "wage_min_cny": 2000, "wage_max_cny": 2600, **job}
    response = await employment.post("/v1/jobs", json=body)
    assert response.status_code == 201, response.text
    return response.json()
