"""A small demo district loaded through the public APIs: 海港区 › 港城大街街道 › 工农里社区 and 建树里社区, their
ledgers through the import, the staff of each level, a posting with its candidates and this month's 一表通."""
from __future__ import annotations

import csv
import io
import os
import random
import time
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from typing import Any

import httpx

from linli_devtools.orgs import ORG_TREE
from linli_devtools.people import id_number
from linli_shared.auth import issue_token
from linli_shared.settings import DEV_JWT_SECRET

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


COMMUNITY, STREET, DISTRICT = "130303001001", "130303001", "130303"
STAFF = [  # (org, name, role, phone): who signs in to the console, at each level
    (COMMUNITY, "刘书记", "admin", "13900000001"), (COMMUNITY, "陈社工", "worker", "13900000002"),
    (STREET, "吴主任", "admin", None), (STREET, "周科长", "officer", None), (DISTRICT, "郑科长", "officer", None)]
EMPLOYER = {"name": "港城物业", "kind": "business", "community_code": COMMUNITY}
POSTING = {"title": "小区保洁员", "category": "cleaning", "headcount": 2, "wage_min_cny": 2200, "wage_max_cny": 2800,
           "suits_4050": True}
SEEKERS_WITH_INTENTIONS = 3  # out-of-work residents who say they want cleaning work: the posting's best matches
TEMPLATE = {"name": "社区基本情况统计表", "indicators": [
    {"key": "elderly_80", "label": "80岁以上老年人", "source": "registry_group", "group": "elderly_80"},
    {"key": "residents", "label": "常住人口", "source": "registry_group", "group": "residents"}]}
TEMPLATE_KEY = "basic"
CATCH_UP_SECONDS = 60  # how long the other services may take to read the registry's events of the ledgers


def load_demo(urls: dict[str, str], token: str, households_per_community: int = 40, seed: int = 7) -> None:
    """Each part goes in through the public APIs, as the committee, the street and the district would put it,
    and only when it is not there yet: a second start changes nothing."""
    with _client(urls["registry"], token) as registry:
        _load_ledgers(registry, households_per_community, seed)
        staff = {name: _staff_member(registry, org, name, role, phone) for org, name, role, phone in STAFF}
        if "employment" in urls:
            _post_job(urls["employment"], staff["刘书记"])
        if "reports" in urls:
            _report_this_month(urls["reports"], registry, staff)


def _client(url: str, token: str) -> httpx.Client:
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30)


def _token_of(member: dict) -> str:
    """What the console's sign-in issues for this staff member, so the demo's history names who did what."""
    secret = os.environ.get("LINLI_JWT_SECRET", DEV_JWT_SECRET)
    return issue_token(secret, member["id"], [member["role"]], [member["org_code"]], ttl_seconds=3600)


def _load_ledgers(client: httpx.Client, households_per_community: int, seed: int) -> None:
    rng = random.Random(seed)
    today = date.today()
    for code, name in ORGS:
        client.put(f"/v1/orgs/{code}", json={"name": name}).raise_for_status()
    if client.get(f"/v1/communities/{COMMUNITY}/residents", params={"limit": 1}).json()["items"]:
        print("demo ledgers already loaded", flush=True)
        return
    count = 0
    for community, estate in ESTATES.items():
        rows = [row for n in range(households_per_community)
                for row in _household_rows(rng, community, estate, n, today)]
        count += _import(client, community, rows)
    print(f"demo data loaded through the ledger import: {count} residents in {len(ESTATES)} communities",
          flush=True)


def _staff_member(client: httpx.Client, org: str, name: str, role: str, phone: str | None) -> dict:
    for member in _pages(client, f"/v1/orgs/{org}/staff"):
        if member["org_code"] == org and member["name"] == name:
            return member
    response = client.post(f"/v1/orgs/{org}/staff", json={"name": name, "role": role,
                                                          **({"phone": phone} if phone else {})})
    response.raise_for_status()
    return response.json()


def _pages(client: httpx.Client, path: str, **params: Any) -> list[dict]:
    items: list[dict] = []
    cursor = None
    while True:
        page = client.get(path, params={**params, "limit": 500, **({"cursor": cursor} if cursor else {})})
        page.raise_for_status()
        items += page.json()["items"]
        if not (cursor := page.json().get("next_cursor")):
            return items


def _post_job(url: str, admin: dict) -> None:
    """工农里's employer and its posting; a few out-of-work residents register that they want such work."""
    with _client(url, _token_of(admin)) as employment:
        if any(job["title"] == POSTING["title"] for job in _pages(employment, "/v1/jobs", community=COMMUNITY)):
            return
        seekers = _eventually(lambda: _pages(employment, f"/v1/communities/{COMMUNITY}/job-seekers",
                                             status="intent_pending"), "employment's job seekers")
        for seeker in seekers[:SEEKERS_WITH_INTENTIONS]:
            employment.post(f"/v1/communities/{COMMUNITY}/job-seekers", json={
                "resident_id": seeker["resident_id"], "intentions": {"categories": [POSTING["category"]]}},
                            ).raise_for_status()
        employer = employment.post("/v1/employers", json=EMPLOYER)
        employer.raise_for_status()
        employment.post("/v1/jobs", json={**POSTING, "employer_id": employer.json()["id"]}).raise_for_status()
        print(f"demo posting {POSTING['title']} at {EMPLOYER['name']}; {len(seekers[:SEEKERS_WITH_INTENTIONS])} job "
              "seekers registered that they want such work", flush=True)


def _report_this_month(url: str, registry: httpx.Client, staff: dict[str, dict]) -> None:
    """The street's 一表通 and this month's run (吴主任); 工农里's report submitted (刘书记) for review."""
    today = date.today()
    with _client(url, _token_of(staff["吴主任"])) as street:
        month = f"{today.year}年{today.month}月"
        if any(r["template_key"] == TEMPLATE_KEY and r["period_label"] == month
               for r in _pages(street, f"/v1/orgs/{STREET}/reports")):
            return
        street.put(f"/v1/orgs/{STREET}/report-templates/{TEMPLATE_KEY}", json=TEMPLATE).raise_for_status()
        reports = _eventually(partial(_run_this_month, street, today), "the reports service's communities")
        for code, report_id in reports.items():
            residents = registry.get(f"/v1/orgs/{code}/statistics").json()["statistics"]["residents"]
            _eventually(partial(_counted, street, report_id, residents), f"{code}'s residents in its report")
    with _client(url, _token_of(staff["刘书记"])) as community:
        community.post(f"/v1/reports/{reports[COMMUNITY]}/submit").raise_for_status()
    print(f"demo 一表通 {TEMPLATE['name']} for {month}: {COMMUNITY}'s report submitted", flush=True)


def _run_this_month(street: httpx.Client, today: date) -> dict[str, str] | None:
    """This month's run: community code -> report id; None while the reports service has not yet read the org tree
    from the registry's events (422 `run.no_communities`, or a run without 工农里), so the caller asks again."""
    run = street.post(f"/v1/report-templates/{TEMPLATE_KEY}/runs",
                      json={"period": {"kind": "month", "year": today.year, "number": today.month}})
    if run.status_code == 422 and run.json().get("code") == "run.no_communities":
        return None
    run.raise_for_status()
    reports = {r["community_code"]: r["report_id"] for r in run.json()["reports"]}
    return reports if COMMUNITY in reports else None


def _counted(client: httpx.Client, report_id: str, residents: int) -> bool:
    """Whether the report counts every resident the registry does; if not, computed again (the reports service
    may not have read the last of the ledgers' events when the run began)."""
    if client.get(f"/v1/reports/{report_id}").json()["values"].get("residents") == residents:
        return True
    client.post(f"/v1/reports/{report_id}/recompute").raise_for_status()
    return False


def _eventually(check: Callable[[], Any], what: str) -> Any:
    """The other services read the registry's events a moment after it wrote them: wait for what they made."""
    deadline = time.monotonic() + CATCH_UP_SECONDS
    while not (result := check()):
        if time.monotonic() > deadline:
            raise RuntimeError(f"demo: {what} did not arrive within {CATCH_UP_SECONDS} s")
        time.sleep(0.5)
    return result
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
