from __future__ import annotations

import pytest

from linli_registry.domain.search import AddressQuery, SearchQuery, parse_search, rank, score


def resident(_id: str, name: str, pinyin: str = "", initials: str = "", status: str = "active", **extra) -> dict:
    return {"_id": _id, "name": name, "name_pinyin": pinyin, "name_initials": initials, "status": status, **extra}


WANG = resident("r1", "王小明", "wangxiaoming", "wxm", id_tail="002X", phone="13812345678", household_id="h1")
WANG_MIN = resident("r2", "王小敏", "wangxiaomin", "wxm")
WANG_HOMOPHONE = resident("r3", "汪晓明", "wangxiaoming", "wxm")
WANG_LONGER = resident("r4", "王小明亮", "wangxiaomingliang", "wxml")
WANG_GONE = resident("r5", "王小明", "wangxiaoming", "wxm", status="moved_out")


@pytest.mark.parametrize(("q", "expected"), [
    ("wxm", SearchQuery("pinyin", "wxm")),
    (" WXM ", SearchQuery("pinyin", "wxm")),
    ("Wang XiaoMing", SearchQuery("pinyin", "wangxiaoming")),
    ("ｗｘｍ", SearchQuery("pinyin", "wxm")),
    ("王小明", SearchQuery("name", "王小明")),
    ("小明", SearchQuery("name", "小明")),
    ("王 小明", SearchQuery("name", "王小明")),
    ("工农里", SearchQuery("name", "工农里")),
    ("1234", SearchQuery("number", "1234", id_tail="1234", phone_tail="1234")),
    ("１２３４", SearchQuery("number", "1234", id_tail="1234", phone_tail="1234")),
    ("002x", SearchQuery("number", "002X", id_tail="002X")),
    ("12345", SearchQuery("number", "12345", phone_tail="12345")),
    ("13812345678", SearchQuery("number", "13812345678", phone_tail="13812345678")),
    ("138 1234 5678", SearchQuery("number", "13812345678", phone_tail="13812345678")),
    ("31", SearchQuery("name", "31")),  # a bare short number is too ambiguous to guess
    ("123456789012", SearchQuery("name", "123456789012")),
    ("X123", SearchQuery("name", "X123")),
])
def test_parse_classifies_the_text(q, expected):
    assert parse_search(q) == expected


@pytest.mark.parametrize(("q", "address"), [
    ("31栋7单元1号", AddressQuery(None, "31", "7", "1")),
    ("31栋", AddressQuery(None, "31")),
    ("31-7-1", AddressQuery(None, "31", "7", "1")),
    ("31-7", AddressQuery(None, "31", "7")),
    ("31号楼7单元101", AddressQuery(None, "31", "7", "101")),
    ("31号楼7单元101室", AddressQuery(None, "31", "7", "101")),
    ("31幢101", AddressQuery(None, "31", None, "101")),
    ("工农里31栋", AddressQuery("工农里", "31")),
    ("工农里小区31栋", AddressQuery("工农里", "31")),
    ("工农里31号", AddressQuery("工农里", "31")),
    ("工农里31", AddressQuery("工农里", "31")),
    ("工农里 31-7-1", AddressQuery("工农里", "31", "7", "1")),
    ("31号", AddressQuery(None, "31")),
    ("7单元", AddressQuery(None, None, "7")),
    ("101室", AddressQuery(None, None, None, "101")),
    ("３１栋７单元１号", AddressQuery(None, "31", "7", "1")),
    ("31－7－1", AddressQuery(None, "31", "7", "1")),
])
def test_parse_reads_address_forms(q, address):
    parsed = parse_search(q)
    assert (parsed.kind, parsed.address) == ("address", address)


def test_name_exact_beats_prefix_beats_substring():
    query = parse_search("王小明")
    points = [score(d, query) for d in (WANG, WANG_LONGER, resident("r9", "老王小明"), WANG_MIN)]
    assert points[0] > points[1] > points[2] > points[3] == 0


def test_pinyin_tiers():
    assert score(WANG, parse_search("wxm")) > score(WANG_LONGER, parse_search("wxm")) > 0
    assert score(WANG, parse_search("wangxiaoming")) > score(WANG_LONGER, parse_search("wangxiaoming")) > 0
    # initials exact > full pinyin exact > initials prefix > pinyin prefix
    tiers = [score(resident("c", "丙", "zzz", "wx"), parse_search("wx")),
             score(resident("d", "丁", "wx", "qq"), parse_search("wx")),
             score(resident("e", "戊", "zzz", "wxy"), parse_search("wx")),
             score(resident("f", "己", "wxyz", "qq"), parse_search("wx"))]
    assert tiers == sorted(tiers, reverse=True) and len(set(tiers)) == 4 and tiers[-1] > 0
    assert score(WANG_MIN, parse_search("wangxiaoming")) == 0


def test_id_tail_and_phone_tail_are_exact():
    assert score(WANG, parse_search("002x")) > 0
    assert score(WANG, parse_search("5678")) > 0
    assert score(WANG, parse_search("12345678")) > 0
    assert score(WANG, parse_search("5679")) == score(WANG, parse_search("1234567")) == 0
    # the same four digits as an ID tail rank above a phone tail: the ID is the person's own
    assert score(resident("x", "甲", id_tail="5678"), parse_search("5678")) > score(WANG, parse_search("5678"))


def test_active_before_moved_out_within_a_tier_but_relevance_first():
    query = parse_search("wangxiaoming")
    assert score(WANG, query) == score(WANG_GONE, query) + 1
    assert score(WANG_GONE, query) > score(WANG_LONGER, query)
    assert score(resident("z", "无", status="deceased"), query) == 0


def test_rank_orders_by_score_then_pinyin_then_name_then_id():
    docs = [WANG_LONGER, WANG_GONE, WANG_HOMOPHONE, WANG, WANG_MIN, resident("r0", "王小明", "wangxiaoming", "wxm")]
    names = [(d["name"], d["_id"]) for d in rank(docs, parse_search("wxm"))]
    assert names == [("王小敏", "r2"), ("汪晓明", "r3"), ("王小明", "r0"), ("王小明", "r1"),
                     ("王小明", "r5"), ("王小明亮", "r4")]
    assert [d["_id"] for d in rank(docs, parse_search("wangxiaoming"))] == ["r3", "r0", "r1", "r5", "r4"]
    assert rank(list(reversed(docs)), parse_search("wxm")) == rank(docs, parse_search("wxm"))


def test_rank_drops_what_does_not_match():
    assert rank([WANG, WANG_MIN], parse_search("小敏")) == [WANG_MIN]
    assert rank([WANG], parse_search("9999")) == []


ROOMS = {"h1": {"estate": "工农里", "building": "31", "unit": "7", "room": "1"},
         "h2": {"estate": "工农里", "building": "31", "unit": "7", "room": "10"},
         "h3": {"estate": "工农里", "building": "31", "unit": "7", "room": "2"},
         "h4": {"estate": "工农里", "building": "31", "unit": "10", "room": "1"},
         "h5": {"estate": "工农里", "building": "31", "unit": "B", "room": "1"},
         "h6": {"estate": "工农里小区", "building": "31", "unit": "7", "room": "1"}}


def in_room(_id: str, household: str, status: str = "active") -> dict:
    return resident(_id, f"住户{_id}", f"zhuhu{_id}", "zh", status, household_id=household)


def test_address_needs_every_given_part():
    query = parse_search("31栋7单元1号")
    assert score(in_room("a", "h1"), query, ROOMS["h1"]) > 0
    assert score(in_room("b", "h2"), query, ROOMS["h2"]) == 0
    assert score(in_room("c", "h1"), query, None) == 0
    assert score(in_room("d", "h1"), parse_search("建设里31栋"), ROOMS["h1"]) == 0


def test_address_estate_typed_in_full_ranks_above_a_fragment():
    query = parse_search("工农里31栋")
    assert score(in_room("a", "h1"), query, ROOMS["h1"]) > score(in_room("b", "h6"), query, ROOMS["h6"]) > 0


def test_address_search_orders_by_building_unit_room_numerically():
    docs = [in_room(h, h) for h in ROOMS] + [in_room("gone", "h1", status="moved_out")]
    ranked = [d["_id"] for d in rank(docs, parse_search("31栋"), ROOMS)]
    # estate, then unit 7 < 10 < "B" (numbers first), then room 1 < 2 < 10; moved-out residents last
    assert ranked == ["h1", "h3", "h2", "h4", "h5", "h6", "gone"]


def test_phone_tail_ignores_separators_in_the_stored_phone():
    spaced = resident("s", "甲", phone="+86 139-1234 5678")
    assert score(spaced, parse_search("12345678")) > 0 and score(spaced, parse_search("8612")) == 0
