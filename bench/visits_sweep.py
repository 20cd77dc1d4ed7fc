"""How long a full visits task sweep takes for a district of 100,000 residents.

The visits projection (residents, households) is written straight into its store in the shape the
registry's events produce; then the sweep runs as its timer would: first on an empty task list
(it plans every routine and birthday task), then again on a steady day (nothing new), then after
a week passes (overdue for every task not visited). Beside each sweep, the store commands it sent (a
`store_commands.CommandCounter` registered with PyMongo before the app builds its client).
Run: .venv/bin/python bench/visits_sweep.py [communities] [residents_per_community]
"""
from __future__ import annotations

import asyncio
import random
import sys
import time
import uuid
from datetime import date, timedelta

from pymongo import MongoClient
from store_commands import CommandCounter

from linli_shared.clock import Clock

from linli_visits.bootstrap import create_app
from linli_visits.service_layer.sweep import sweep
from linli_visits.settings import VisitsSettings

from common import print_table, seeded_app, servers

DB = "bench_visits"


def seed(mongo_url: str, communities: int, residents: int, today: date) -> None:
    rng = random.Random(7)
    with MongoClient(mongo_url) as client:
        db = client[DB]
        for c in range(communities):
            community = f"130303{1 + c // 10:03d}{1 + c % 10:03d}"
            households, people = [], []
            while len(people) < residents:
                hid = str(uuid.uuid4())
                periods = [{"start": "2020-01-01", "end": None}] if rng.random() < 0.05 else []
                households.append({"_id": hid, "community_code": community, "low_income_periods": periods,
                                   "version": 1})
                size = rng.choice((1, 1, 2, 2, 3, 4))
                old = rng.random() < 0.35
                for i in range(size):
                    age_days = rng.randrange(60 * 365, 95 * 365) if old else rng.randrange(0, 59 * 365)
                    people.append({"_id": str(uuid.uuid4()), "community_code": community, "household_id": hid,
                                   "name": "王小明", "gender": rng.choice(("male", "female")),
                                   "birth_date": (today - timedelta(days=age_days)).isoformat(),
                                   "birthday_calendar": rng.choice(("solar", "lunar")), "status": "active",
                                   "relation_to_head": "head" if i == 0 else "child",
                                   "retired_cadre": {"kind": "tuixiu"} if rng.random() < 0.01 else None,
                                   "special_care": ["dementia"] if rng.random() < 0.01 else [],
                                   "known_since": (today - timedelta(days=3)).isoformat(), "version": 1})
            db.households.insert_many(households)
            db.residents.insert_many(people)


async def run(mongo_url: str, nats_url: str, communities: int, residents: int) -> list[list]:
    clock = Clock()
    settings = VisitsSettings(mongo_url=mongo_url, nats_url=nats_url, mongo_db=DB, run_workers=False,
                              log_level="WARNING")
    rows = []
    async with seeded_app(lambda: create_app(settings, clock),
                          lambda: seed(mongo_url, communities, residents, clock.today()),
                          communities * residents) as (app, counter):
        ctx = app.state.visits
        for label in ("first sweep (plans every task)", "steady day (nothing new)"):
            rows.append(await _timed(label, ctx, counter))
        clock.advance(timedelta(days=8))
        rows.append(await _timed("a week later (routine overdue + new)", ctx, counter))
    return rows


async def _timed(label: str, ctx, counter: CommandCounter) -> list:
    before, started = counter.snapshot(), time.perf_counter()
    report = await sweep(ctx)
    elapsed, commands = time.perf_counter() - started, counter.snapshot() - before
    return [label, report.residents, report.created, report.overdue, round(elapsed, 1), sum(commands.values())]


def main(communities: int = 100, residents: int = 1000) -> None:
    with servers() as (nats, mongo):
        rows = asyncio.run(run(mongo.url, nats.url, communities, residents))
    print_table("Visits task sweep over a district (seconds, and the store commands of each sweep)",
                ["run", "residents", "tasks created", "overdue", "s", "cmds"], rows)


if __name__ == "__main__":
    main(*[int(a) for a in sys.argv[1:]])
