"""Helpers for visits tests: residents registered through the registry, tasks read from visits."""
from __future__ import annotations

from linli_devtools.orgs import COMMUNITY, DISTRICT, STREET  # noqa: F401  (the tests import them from here)
from linli_devtools.orgs import OTHER_COMMUNITY as OTHER  # noqa: F401
from linli_devtools.people import born_years_ago, id_number
from linli_shared.clock import Clock

TODAY = Clock().today()  # Asia/Shanghai, as both services count days


async def register(registry, age: int, gender: str = "female", **fields) -> dict:
    household = fields.pop("household_id", None)
    if household is None:
        created = await registry.post(f"/v1/communities/{COMMUNITY}/households", json={"address": {"estate": "工农里"}})
        household = created.json()["id"]
    birth = born_years_ago(age, TODAY, days_before=fields.pop("days_before", 30))
    body = {"name": fields.pop("name", "周凤兰"), "id_number": id_number(birth, gender), "household_id": household,
            "relation_to_head": "head", **fields}
    response = await registry.post(f"/v1/communities/{COMMUNITY}/residents", json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def tasks_of(visits, resident_id: str, **params) -> list[dict]:
    response = await visits.get(f"/v1/communities/{COMMUNITY}/visit-tasks",
                                params={"resident_id": resident_id, **params})
    assert response.status_code == 200, response.text
    return response.json()["items"]
