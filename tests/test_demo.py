"""`make run ARGS=--demo` seeds, through the public APIs, what the README's console walk-through signs in as and
opens: the staff of each level, a posting with candidates who want the work, and this month's 一表通 with a report
waiting for the street's review. A second start adds nothing."""
from __future__ import annotations

import asyncio
from contextlib import ExitStack
from pathlib import Path

import httpx

from linli_devtools.demo import load_demo
from linli_devtools.processes import service_process

COMMUNITY, OTHER_COMMUNITY = "130303001001", "130303001002"


async def test_the_demo_seeds_every_role_a_posting_and_a_report_to_review_once(tmp_path: Path, nats_url, mongo_url,
                                                                              db_name, make_token):
    token = make_token(scope=["130303"], perms=["pii:read"], sub="dev-admin")
    with ExitStack() as running:
        names = ("registry", "employment", "reports")
        started = [service_process(name, nats_url, mongo_url, f"{db_name}_{name}", tmp_path / f"{name}.log")
                   for name in names]  # started side by side: each process spends seconds importing
        urls = dict(zip(names, await asyncio.gather(*(asyncio.to_thread(running.enter_context, service)
                                                      for service in started)), strict=True))
        registry, jobs, reports = (urls[name] for name in names)
        for _ in range(2):  # the second start finds everything there
            await asyncio.to_thread(load_demo, urls, token, households_per_community=6)
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(headers=headers, timeout=30) as api:
            staff = (await api.get(f"{registry}/v1/orgs/130303/staff")).json()["items"]
            postings = (await api.get(f"{jobs}/v1/jobs", params={"community": COMMUNITY})).json()["items"]
            matches = (await api.get(f"{jobs}/v1/jobs/{postings[0]['id']}/matches")).json()
            listed = (await api.get(f"{reports}/v1/orgs/130303001/reports")).json()["items"]
    assert sorted((m["org_code"], m["name"], m["role"]) for m in staff) == [
        ("130303", "郑科长", "officer"), ("130303001", "吴主任", "admin"), ("130303001", "周科长", "officer"),
        (COMMUNITY, "刘书记", "admin"), (COMMUNITY, "陈社工", "worker")]
    assert [(p["title"], p["category"]) for p in postings] == [("小区保洁员", "cleaning")]
    assert "category.match" in {reason["code"] for reason in matches[0]["reasons"]}  # someone wants this work
    assert sorted((r["community_code"], r["template_key"], r["status"]) for r in listed) == [
        (COMMUNITY, "basic", "submitted"), (OTHER_COMMUNITY, "basic", "draft")]
