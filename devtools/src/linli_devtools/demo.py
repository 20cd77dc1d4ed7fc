"""A small demo district loaded through the public ledger import: 海港区 › 港城大街街道 › 工农里社区 and 建树里社区."""
from __future__ import annotations

import csv
import io
import random
import time
from datetime import date, timedelta

import httpx

from linli_devtools.orgs import ORG_TREE
from linli_devtools.people import id_number

ORGS = [*ORG_TREE, ("130303001001-01", "工农里第一网格"), ("130303001001-02", "工农里第二网格")]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "凤兰玉荣秀英建国志强桂芝淑华德明丽娟文海红梅振华小明春生"
ESTATES = {"130303001001": "工农里", "130303001002": "建树里"}


def _person(rng: random.Random, age: int, gender: str, today: date) -> dict:
    birth = today - timedelta(days=age * 365 + rng.randrange(0, 365))
    return {"name": rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2)))),
            "id_number": id_number(birth, gender, seq=rng.randrange(0, 499)),
            "phone": f"13{rng.randrange(10**8, 10**9)}"}


def _household_members(rng: random.Random, today: date) -> list[dict]:
    kind = rng.choices(["elder_alone", "elder_couple", "family", "young"], weights=[2, 3, 5, 2])[0]
    if kind == "elder_alone":
        return [{**_person(rng, rng.randrange(62, 92), rng.choice(["male", "female"]), today),
                 "relation_to_head": "head",
                 "employment_status": "retired", "health": rng.choice(["fair", "poor", "bedridden"])}]
    if kind == "elder_couple":
        age = rng.randrange(60, 85)
        return [{**_person(rng, age, "male", today), "relation_to_head": "head", "employment_status": "retired"},
                {**_person(rng, age - 2, "female", today), "relation_to_head": "spouse",
                 "employment_status": "retired"}]
    head_age = rng.randrange(28, 58)
    status = rng.choices(["employed", "unemployed", "laid_off"], weights=[6, 2, 1])[0]
    members = [{**_person(rng, head_age, "male", today), "relation_to_head": "head", "employment_status": status},
               {**_person(rng, head_age - 3, "female", today), "relation_to_head": "spouse",
                "employment_status": rng.choice(["employed", "unemployed"])}]
    if kind == "family":
        members.append({**_person(rng, rng.randrange(1, 16), rng.choice(["male", "female"]), today),
                        "relation_to_head": "child", "employment_status": "student"})
    return members


LEDGER_HEADER = ["户编号", "小区", "楼栋", "单元", "门牌", "网格", "与户主关系", "姓名", "身份证号", "联系电话",
                 "就业状况", "健康状况", "低保金额"]


def load_demo(registry_url: str, token: str, households_per_community: int = 40, seed: int = 7) -> None:
    """Each community's ledger goes in through the public import, as a committee's own would."""
    rng = random.Random(seed)
    today = date.today()
    with httpx.Client(base_url=registry_url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
        for code, name in ORGS:
            client.put(f"/v1/orgs/{code}", json={"name": name}).raise_for_status()
        existing = client.get("/v1/communities/130303001001/residents", params={"limit": 1}).json()["items"]
        if existing:
            print("demo data already loaded", flush=True)
            return
        client.post("/v1/orgs/130303001001/staff", json={"name": "刘书记", "role": "admin", "phone": "13900000001"})
        client.post("/v1/orgs/130303001001/staff", json={"name": "陈社工", "role": "worker", "phone": "13900000002"})
        count = 0
        for community, estate in ESTATES.items():
            rows = [row for n in range(households_per_community)
                    for row in _household_rows(rng, community, estate, n, today)]
            count += _import(client, community, rows)
        print(f"demo data loaded through the ledger import: {count} residents in {len(ESTATES)} communities",
              flush=True)


def _household_rows(rng: random.Random, community: str, estate: str, n: int, today: date) -> list[list[str]]:
    grid = f"0{1 + n % 2}" if community == "130303001001" else ""
    address = [f"D{n + 1}", estate, str(1 + n // 8), str(1 + n % 4), str(1 + n % 6), grid]
    allowance = "182" if rng.random() < 0.12 else ""
    return [[*address, LABELS[m["relation_to_head"]], m["name"], m["id_number"], m["phone"],
             LABELS[m["employment_status"]], LABELS.get(m.get("health"), ""), allowance if i == 0 else ""]
            for i, m in enumerate(_household_members(rng, today))]


LABELS = {"head": "户主", "spouse": "配偶", "child": "子女", "employed": "在职", "unemployed": "失业",
          "laid_off": "下岗", "retired": "退休", "student": "学生", "fair": "一般", "poor": "较差", "bedridden": "卧床"}


def _import(client: httpx.Client, community: str, rows: list[list[str]]) -> int:
    text = io.StringIO()
    csv.writer(text).writerows([LEDGER_HEADER, *rows])
    response = client.post(f"/v1/communities/{community}/imports",
                           files={"file": ("台账.csv", text.getvalue().encode("gb18030"))})
    response.raise_for_status()
    while (job := client.get(response.headers["Location"]).json())["status"] == "running":
        time.sleep(0.2)
    for error in job["errors"]:  # a random ID number may repeat: that person is skipped, said so
        print(f"demo ledger row {error['row']}: {error['code']}", flush=True)
    return job["rows_ok"]
