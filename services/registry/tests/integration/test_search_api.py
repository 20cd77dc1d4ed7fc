"""Resident search through the API: pinyin, ID and phone tails, addresses; ranked, paged and scoped."""
from __future__ import annotations

from datetime import date

from registry_helpers import COMMUNITY, OTHER_COMMUNITY, id_number, new_household, new_resident

BASE = f"/v1/communities/{COMMUNITY}/residents"


async def found(client, q: str, **params) -> list[str]:
    response = await client.get(BASE, params={"q": q, **params})
    assert response.status_code == 200, response.text
    return [r["name"] for r in response.json()["items"]]


async def move_out(client, resident: dict) -> None:
    response = await client.post(f"/v1/residents/{resident['id']}/life-events",
                                 json={"kind": "moved_out", "date": "2024-01-01"})
    assert response.status_code == 201, response.text


async def test_pinyin_and_name_rank_exact_matches_first(admin):
    await new_resident(admin, date(1950, 1, 1), name="王小明亮")
    await new_resident(admin, date(1951, 1, 1), name="王小明")
    await new_resident(admin, date(1952, 1, 1), name="王小敏")
    await move_out(admin, await new_resident(admin, date(1953, 1, 1), name="汪晓明"))
    await new_resident(admin, date(1954, 1, 1), name="王小明", community=OTHER_COMMUNITY)

    # wxm: every initials-exact match (ties in pinyin order; the moved-out one last), then the longer name
    assert await found(admin, "wxm") == ["王小敏", "王小明", "汪晓明", "王小明亮"]
    # full pinyin: 王小敏 (wangxiaomin) is no match; the homophone 汪晓明 is, but has moved out
    assert await found(admin, "Wang XiaoMing") == ["王小明", "汪晓明", "王小明亮"]
    assert await found(admin, "王小明") == ["王小明", "王小明亮"]
    assert await found(admin, "小明") == ["王小明", "王小明亮"]
    assert await found(admin, "wxm", status="active") == ["王小敏", "王小明", "王小明亮"]


def number_ending(birth: date, x: bool) -> str:
    """An ID number whose check character is, or is not, X (about one in eleven is)."""
    return next(n for n in (id_number(birth, "male") for _ in range(200)) if (n[-1] == "X") == x)


async def test_id_tail_and_phone_tail(admin):
    number, x_number = number_ending(date(1962, 2, 2), x=False), number_ending(date(1965, 5, 5), x=True)
    await new_resident(admin, date(1962, 2, 2), "male", name="赵刚", id_number=number)
    await new_resident(admin, date(1965, 5, 5), "male", name="李强", id_number=x_number)
    await new_resident(admin, date(1963, 3, 3), name="钱芳", phone=f"1380000{number[-4:]}")
    await new_resident(admin, date(1964, 4, 4), name="孙丽", phone="139 1234 5678")

    assert await found(admin, number[-4:]) == ["赵刚", "钱芳"]  # the same digits as a phone tail rank lower
    assert await found(admin, x_number[-4:].lower()) == ["李强"]
    assert await found(admin, "5678") == ["孙丽"]
    assert await found(admin, "12345678") == ["孙丽"]  # spaces or hyphens in the stored phone do not matter
    assert await found(admin, "１３９１２３４５６７８") == ["孙丽"]
    assert await found(admin, "99999") == []


async def test_address_search_ranks_by_building_unit_room(admin):
    rooms = {"1": ("31", "7", "1"), "2": ("31", "7", "2"), "10": ("31", "7", "10"),
             "u10": ("31", "10", "1"), "b32": ("32", "7", "1")}
    households = {key: await new_household(admin, address={"estate": "工农里", "building": b, "unit": u, "room": r})
                  for key, (b, u, r) in rooms.items()}
    await new_resident(admin, date(1970, 1, 1), name="周一", household_id=households["1"])
    await move_out(admin, await new_resident(admin, date(1971, 1, 1), name="陈一", household_id=households["1"]))
    await new_resident(admin, date(1972, 1, 1), name="吴十", household_id=households["10"])
    await new_resident(admin, date(1973, 1, 1), name="郑二", household_id=households["2"])
    await new_resident(admin, date(1974, 1, 1), name="冯单元十", household_id=households["u10"])
    await new_resident(admin, date(1975, 1, 1), name="褚三二", household_id=households["b32"])
    elsewhere = await new_household(admin, OTHER_COMMUNITY)  # also 工农里 31-7-1, but another community
    await new_resident(admin, date(1976, 1, 1), name="外人", community=OTHER_COMMUNITY, household_id=elsewhere)

    for q in ("31栋7单元1号", "31-7-1", "工农里31号楼7单元1室", "３１栋７单元１号"):
        assert await found(admin, q) == ["周一", "陈一"], q
    assert await found(admin, "31栋") == ["周一", "郑二", "吴十", "冯单元十", "陈一"]
    assert await found(admin, "31栋7单元") == ["周一", "郑二", "吴十", "陈一"]
    assert await found(admin, "建设里31栋") == []
    assert await found(admin, "31栋", household_id=households["2"]) == ["郑二"]


async def test_search_pages_by_offset_and_refuses_a_forged_cursor(admin):
    household = await new_household(admin)
    for i, name in enumerate(["甲一", "乙二", "丙三", "丁四", "戊五"]):
        await new_resident(admin, date(1980 + i, 1, 1), name=name, household_id=household)
    everything = await found(admin, "31栋", limit=10)
    seen, cursor = [], None
    while True:
        response = await admin.get(BASE, params={"q": "31栋", "limit": 2, **({"cursor": cursor} if cursor else {})})
        page = response.json()
        seen += [r["name"] for r in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == everything and len(seen) == 5
    for forged in ("not-a-cursor", "eyJvZmZzZXQiOiAtMX0=", "ImFiYyI="):  # garbage, {"offset": -1}, "abc"
        response = await admin.get(BASE, params={"q": "31栋", "cursor": forged})
        assert response.status_code == 400, (forged, response.text)
        assert response.json()["code"] == "cursor.invalid"


async def test_search_is_scoped_like_every_listing(admin, client_for, make_token):
    await new_resident(admin, date(1960, 1, 1), name="王小明")
    await new_resident(admin, date(1961, 1, 1), name="王小明", community=OTHER_COMMUNITY)
    own = client_for(make_token(roles=["worker"], scope=[COMMUNITY]))
    other = client_for(make_token(roles=["worker"], scope=[OTHER_COMMUNITY]))

    assert await found(own, "wxm") == ["王小明"]
    refused = await other.get(BASE, params={"q": "wxm"})
    assert refused.status_code == 403, refused.text
    theirs = await other.get(f"/v1/communities/{OTHER_COMMUNITY}/residents", params={"q": "wxm"})
    assert [r["name"] for r in theirs.json()["items"]] == ["王小明"]


async def test_search_reads_the_community_whole_once_and_then_only_what_changed(app, admin):
    household = await new_household(admin)
    first = await new_resident(admin, date(1950, 1, 1), name="王小明", household_id=household)
    assert await found(admin, "wxm") == ["王小明"]
    renamed = await admin.patch(f"/v1/residents/{first['id']}", json={"name": "李小明"},
                                headers={"If-Match": f'"{first["version"]}"'})
    assert renamed.status_code == 200, renamed.text
    await new_resident(admin, date(1951, 1, 1), name="王晓梅")

    assert await found(admin, "wxm") == ["王晓梅"]
    assert await found(admin, "lxm") == ["李小明"]
    assert await found(admin, "wxm", household_id=household) == []
    assert await found(admin, "lxm", household_id=household) == ["李小明"]
    assert app.state.registry.search_keys.full_reads == 1  # the rest came from the community's change log
