"""Statistics time through the API for a community of 3,500 residents and a district of 100 such communities.

Then a registry process started afresh (nothing kept in it, nothing cached for the day asked) gets the
district page from one officer (cold after a restart), then from several officers at once, as on a morning
when the dashboards open together: each community should be read and counted once, not once per officer.

The population is written straight into the registry's store in the registry's document shape (loading
350,000 residents through the API is the import's bench, issue 3); the statistics are then asked for over HTTP.
Each request's store commands (the registry's, counted in its process by `store_commands`, the outbox relay's
left out) are printed beside its time.
Run: .venv/bin/python bench/registry_statistics.py [communities] [residents_per_community] [officers]
"""
from __future__ import annotations

import asyncio
import random
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta

import httpx
from pymongo import MongoClient
from store_commands import ServiceCommands, relay_commands

from linli_shared.auth import issue_token
from linli_shared.settings import DEV_JWT_SECRET

from common import DISTRICT, STREETS, community_codes, print_table, servers, service_process

DB = "bench_statistics"


def _household_docs(rng: random.Random, community: str, residents: int) -> tuple[list[dict], list[dict]]:
    households, people, today = [], [], date(2026, 11, 1)
    while len(people) < residents:
        hid = str(uuid.uuid4())
        periods = [{"start": "2020-01-01", "end": None, "monthly_amount_cny": 182.0}] if rng.random() < 0.05 else []
        households.append({"_id": hid, "community_code": community, "address": {"estate": "x"},
                           "low_income_periods": periods, "version": 1})
        for _ in range(rng.choice((1, 2, 2, 3, 4))):
            birth = today - timedelta(days=rng.randrange(0, 95 * 365))
            people.append({"_id": str(uuid.uuid4()), "community_code": community, "household_id": hid,
                           "name": "王小明", "gender": rng.choice(("male", "female")), "birth_date": birth.isoformat(),
                           "employment_status": rng.choice(("employed", "retired", "unemployed", "laid_off",
                                                            "student")),
                           "residence_type": "registered", "status": "active", "left_on": None,
                           "special_care": [], "party_member": rng.random() < 0.1, "version": 1})
    return households, people


def seed(mongo_url: str, communities: int, residents: int) -> None:
    rng = random.Random(42)
    with MongoClient(mongo_url) as client:
        db = client[DB]
        now = datetime.now(UTC)
        orgs = [{"_id": DISTRICT, "name": "海港区", "level": "district", "parent": None, "version": 1,
                 "updated_at": now}]
        orgs += [{"_id": f"{DISTRICT}{s:03d}", "name": f"街道{s}", "level": "street", "parent": DISTRICT, "version": 1,
                  "updated_at": now} for s in range(1, STREETS + 1)]
        for code in community_codes(communities):
            orgs.append({"_id": code, "name": f"社区{code[-3:]}", "level": "community", "parent": code[:9],
                         "version": 1, "updated_at": now})
            households, people = _household_docs(rng, code, residents)
            db.households.insert_many(households)
            db.residents.insert_many(people)
        db.orgs.insert_many(orgs)


def timed_get(client: httpx.Client, path: str) -> tuple[float, dict]:
    started = time.perf_counter()
    response = client.get(path, timeout=600)
    response.raise_for_status()
    return (time.perf_counter() - started) * 1000, response.json()


def one_write(client: httpx.Client, community: str) -> None:
    """Invalidates one community's cached table, as a worker's edit would."""
    household = client.post(f"/v1/communities/{community}/households", json={"address": {"estate": "x"}})
    household.raise_for_status()


def commands(store: ServiceCommands, before) -> int:
    """The registry's store commands since `before` (a snapshot), the outbox relay's left out."""
    since = store.snapshot() - before
    return sum((since - relay_commands(since)).values())


def measure(url: str, communities: int, store: ServiceCommands) -> list[list]:
    officer = issue_token(DEV_JWT_SECRET, "bench", ["officer"], [DISTRICT])
    admin = issue_token(DEV_JWT_SECRET, "bench", ["admin"], [DISTRICT])
    rows = []
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {officer}"}) as client, \
            httpx.Client(base_url=url, headers={"Authorization": f"Bearer {admin}"}) as writer:
        community = community_codes(communities)[0]
        for label, path in (("community", f"/v1/orgs/{community}/statistics"),
                            (f"district ({communities} communities)", f"/v1/orgs/{DISTRICT}/statistics")):
            before = store.snapshot()
            cold, body = timed_get(client, path)
            cold_commands, before = commands(store, before), store.snapshot()
            warm, _ = timed_get(client, path)
            warm_commands = commands(store, before)
            one_write(writer, community)
            before = store.snapshot()
            after_write, _ = timed_get(client, path)
            rows.append([label, body["statistics"]["residents"], body["statistics"]["elderly_60"],
                         round(cold, 1), round(warm, 1), round(after_write, 1), cold_commands, warm_commands,
                         commands(store, before)])
    return rows


async def officers_at_once(url: str, officers: int, days_ago: int = 1) -> list:
    """The cold district page asked for by `officers` at once: wall time until the last has its answer."""
    token = issue_token(DEV_JWT_SECRET, "bench", ["officer"], [DISTRICT])
    as_of = (date.today() - timedelta(days=days_ago)).isoformat()  # not a day counted before
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=1800) as client:
        started = time.perf_counter()
        pages = await asyncio.gather(*(client.get(f"/v1/orgs/{DISTRICT}/statistics", params={"as_of": as_of})
                                       for _ in range(officers)))
        elapsed = (time.perf_counter() - started) * 1000
    assert all(page.status_code == 200 for page in pages) and len({page.text for page in pages}) == 1
    who = "one officer" if officers == 1 else f"{officers} officers at once"
    return [f"district, {who}, cold after a restart", pages[0].json()["statistics"]["residents"], round(elapsed, 1)]


def main(communities: int = 100, residents: int = 3500, officers: int = 8) -> None:
    with servers() as (nats, mongo), ServiceCommands() as store:
        with service_process("registry", nats, mongo, DB, extra_env=store.env) as url:  # its indexes exist first
            started = time.perf_counter()
            seed(mongo.url, communities, residents)
            print(f"seeded {communities} communities x {residents} residents in {time.perf_counter() - started:.1f}s")
            rows = measure(url, communities, store)
        with service_process("registry", nats, mongo, DB, extra_env=store.env) as url:  # nothing kept in the process
            before = store.snapshot()
            restarted = [*asyncio.run(officers_at_once(url, 1, days_ago=2)), commands(store, before)]
        with service_process("registry", nats, mongo, DB, extra_env=store.env) as url:
            before = store.snapshot()
            together = [*asyncio.run(officers_at_once(url, officers)), commands(store, before)]
    print_table("Registry statistics through the API, ms (cold = computed from the store; warm = cached; "
                "after one write = that community recomputed), and the store commands of each request",
                ["scope", "residents", "elderly_60", "cold", "warm", "after one write", "cold cmds", "warm cmds",
                 "after-write cmds"], rows)
    print_table("The district page from a registry started afresh (a day not counted before), ms, and the store "
                "commands of all of them", ["scope", "residents", "all answered", "cmds"], [restarted, together])


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(*args)
