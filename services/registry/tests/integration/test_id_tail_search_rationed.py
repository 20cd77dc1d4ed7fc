"""Searching by ID tail without pii:read: on the audit trail (how many it named, never the tail) and rationed
per caller and hour, counted in the store so that every replica counts the same searches."""
from __future__ import annotations

from datetime import date

import httpx
import pytest
from asgi_lifespan import LifespanManager

from linli_registry.bootstrap import create_app
from linli_registry.settings import RegistrySettings

from registry_helpers import COMMUNITY, id_number, new_resident

BASE = f"/v1/communities/{COMMUNITY}/residents"
PER_HOUR = 3


@pytest.fixture
def settings(mongo_url: str, nats_url: str, db_name: str) -> RegistrySettings:
    return RegistrySettings(mongo_url=mongo_url, mongo_db=db_name, nats_url=nats_url, environment="test",
                            outbox_poll_seconds=0.1, id_tail_searches_per_hour=PER_HOUR)


def ending_in_x(birth: date) -> str:
    return next(n for seq in range(499) if (n := id_number(birth, "male", seq=seq)).endswith("X"))


def ending_in_a_digit(birth: date) -> str:
    return next(n for seq in range(499) if not (n := id_number(birth, "male", seq=seq)).endswith("X"))


async def search(client: httpx.AsyncClient, q: str) -> httpx.Response:
    return await client.get(BASE, params={"q": q})


async def test_each_id_tail_search_without_pii_read_is_on_the_trail_with_its_count_not_its_tail(
        admin, client_for, make_token):
    number = ending_in_x(date(1950, 5, 5))
    resident = await new_resident(admin, date(1950, 5, 5), "male", name="李强", id_number=number)
    worker = client_for(make_token(roles=["worker"], scope=[COMMUNITY], sub="worker-li"))
    assert [r["id"] for r in (await search(worker, number[-4:])).json()["items"]] == [resident["id"]]
    assert (await search(worker, "000X" if number[-4:] != "000X" else "001X")).json()["items"] == []
    assert (await search(worker, "李强")).status_code == 200  # by name: neither counted nor on the trail

    response = await admin.get("/v1/audit-trail",
                               params={"actor": "worker-li", "action": "resident.searched_by_id_tail"})
    entries = response.json()["items"]
    assert sorted(e["detail"]["matches"] for e in entries) == [0, 1]
    assert all(e["community_code"] == COMMUNITY and e["detail"] == {"matches": e["detail"]["matches"]}
               for e in entries)
    assert number[-4:] not in response.text


async def test_past_the_hourly_allowance_an_id_tail_search_is_429(admin, client_for, make_token):
    number = ending_in_x(date(1950, 5, 5))
    await new_resident(admin, date(1950, 5, 5), "male", id_number=number)
    worker = client_for(make_token(roles=["worker"], scope=[COMMUNITY], sub="worker-li"))
    for _ in range(PER_HOUR):
        assert (await search(worker, number[-4:])).status_code == 200
    refused = await search(worker, number[-4:])
    assert refused.status_code == 429, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert (refused.json()["code"], refused.json()["title"]) == ("resident.search.id_tail_limited", "Too Many Requests")
    assert number[-4:] not in refused.text
    assert 0 < int(refused.headers["retry-after"]) <= 3600  # the count starts again with the next clock hour
    other_worker = client_for(make_token(roles=["worker"], scope=[COMMUNITY], sub="worker-wang"))
    assert (await search(other_worker, number[-4:])).status_code == 200  # per caller


async def test_callers_who_may_read_id_numbers_are_not_rationed_nor_trailed(admin, client_for, make_token):
    number = ending_in_x(date(1950, 5, 5))
    await new_resident(admin, date(1950, 5, 5), "male", id_number=number)
    for _ in range(PER_HOUR + 2):
        assert len((await search(admin, number[-4:])).json()["items"]) == 1
    entries = (await admin.get("/v1/audit-trail", params={"action": "resident.searched_by_id_tail"})).json()
    assert entries["items"] == []


async def test_past_the_allowance_four_digits_still_find_phones_but_no_longer_id_tails(admin, client_for,
                                                                                      make_token):
    number = ending_in_a_digit(date(1962, 2, 2))
    await new_resident(admin, date(1962, 2, 2), "male", name="赵刚", id_number=number)
    await new_resident(admin, date(1963, 3, 3), name="钱芳", phone=f"1380000{number[-4:]}")
    worker = client_for(make_token(roles=["worker"], scope=[COMMUNITY], sub="worker-li"))
    for _ in range(PER_HOUR):
        names = [r["name"] for r in (await search(worker, number[-4:])).json()["items"]]
        assert sorted(names) == ["赵刚", "钱芳"]
    past = await search(worker, number[-4:])
    assert past.status_code == 200 and [r["name"] for r in past.json()["items"]] == ["钱芳"]


async def test_replicas_share_one_count_kept_in_the_store(admin, settings, client_for, make_token):
    number = ending_in_x(date(1950, 5, 5))
    await new_resident(admin, date(1950, 5, 5), "male", id_number=number)
    token = make_token(roles=["worker"], scope=[COMMUNITY], sub="worker-li")
    first = client_for(token)
    for _ in range(PER_HOUR - 1):
        assert (await search(first, number[-4:])).status_code == 200
    replica = create_app(settings)
    async with LifespanManager(replica, startup_timeout=60, shutdown_timeout=30):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=replica), base_url="http://registry",
                                     headers={"Authorization": f"Bearer {token}"}) as second:
            assert (await search(second, number[-4:])).status_code == 200
            assert (await search(second, number[-4:])).status_code == 429
    assert (await search(first, number[-4:])).status_code == 429
