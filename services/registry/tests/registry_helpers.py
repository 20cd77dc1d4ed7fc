"""Helpers for registry tests: valid ID numbers and quick ways to create households and residents."""
from __future__ import annotations

from datetime import date

import httpx

from linli_devtools.orgs import COMMUNITY, DISTRICT, OTHER_COMMUNITY, STREET  # noqa: F401  (the tests import them from here)
from linli_devtools.people import id_number  # noqa: F401  (re-exported for the tests)


async def new_household(client: httpx.AsyncClient, community: str = COMMUNITY, **extra) -> str:
    body = {"address": {"estate": "工农里", "building": "31", "unit": "7", "room": "1"}, **extra}
    response = await client.post(f"/v1/communities/{community}/households", json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def new_resident(client: httpx.AsyncClient, birth: date, gender: str = "female",
                       community: str = COMMUNITY, **fields) -> dict:
    body = {"name": fields.pop("name", "王小明"),
            "id_number": fields.pop("id_number", None) or id_number(birth, gender),
            **fields}
    response = await client.post(f"/v1/communities/{community}/residents", json=body)
    assert response.status_code == 201, response.text
    return response.json()
