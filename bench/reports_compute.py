"""How long one report run takes: a template of 30 indicators for a district of 100 communities.

The reports projection (orgs, residents, households, visits, seekers' referrals and placements) is
written straight into its store in the shape the other services' events produce; then a run is
started as the district admin's POST would (every community computed, its snapshot and lineage
written, report.computed.v1 put in the outbox), then one community recomputes, then the roll-up
XLSX is built; beside each step, the store commands it sent (a `store_commands.CommandCounter` registered with
PyMongo before the app builds its client).
Run: .venv/bin/python bench/reports_compute.py [communities] [residents_per_community]
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

from linli_shared.auth import Principal
from linli_shared.clock import Clock

from linli_reports.bootstrap import create_app
from linli_reports.domain.indicators import TemplateIn
from linli_reports.domain.period import Period
from linli_reports.service_layer import figures, reports, runs, templates
from linli_reports.service_layer.templates import template_version
from linli_reports.service_layer.xlsx import rollup_xlsx
from linli_reports.settings import ReportsSettings

from common import print_table, seeded_app, servers

DB = "bench_reports"
DISTRICT = "130303"
ADMIN = Principal(sub="bench-admin", roles=frozenset({"admin"}), scope=(DISTRICT,))
GRIDS = ("G1", "G2", "G3", "G4")


def template_of_30() -> TemplateIn:
    groups = ["residents", "households", "elderly_60", "elderly_80", "empty_nest_households", "living_alone_elderly",
              "unemployed", "hard_to_employ_4050", "low_income_households", "low_income_residents",
              "retired_cadres", "special_care", "children_under_6", "childbearing_age_women", "temporary_residents"]
    indicators = [{"key": g, "label": g, "source": "registry_group", "group": g} for g in groups]
    indicators += [{"key": f"elderly_{grid.lower()}", "label": f"{grid}老人", "source": "registry_group",
                    "group": "elderly_60", "filters": {"grid": grid}} for grid in GRIDS]
    indicators += [{"key": "women_70_79", "label": "70-79岁女性", "source": "registry_group", "group": "residents",
                    "filters": {"gender": "female", "min_age": 70, "max_age": 79}},
                   {"key": "nest_g1", "label": "一网格空巢户", "source": "registry_group",
                    "group": "empty_nest_households", "filters": {"grid": "G1"}}]
    indicators += [{"key": "v_" + m.split(".")[1], "label": m, "source": "visits", "metric": m}
                   for m in ("visits.count", "visits.met", "visits.residents", "visits.aid_total_cny")]
    indicators += [{"key": "festival_visits", "label": "节日走访", "source": "visits", "metric": "visits.count",
                    "reason": "festival"}]
    indicators += [{"key": m.split(".")[1], "label": m, "source": "employment", "metric": m}
                   for m in ("employment.referrals", "employment.referrals_4050", "employment.placed_4050")]
    indicators += [{"key": "notes", "label": "其他情况说明", "source": "manual"}]
    assert len(indicators) == 30
    return TemplateIn.model_validate({"name": "社区综合统计表", "indicators": indicators})


def seed(mongo_url: str, communities: int, residents: int, today: date) -> None:
    rng = random.Random(9)
    month_days = [today.replace(day=d) for d in range(1, min(today.day, 28) + 1)]
    with MongoClient(mongo_url) as client:
        db = client[DB]
        orgs = [{"_id": DISTRICT, "name": "海港区", "level": "district", "parent": None, "version": 1}]
        for c in range(communities):
            community = f"{DISTRICT}{1 + c // 10:03d}{1 + c % 10:03d}"
            orgs.append({"_id": community, "name": f"第{c + 1}社区", "level": "community",
                         "parent": community[:9], "version": 1})
            households, people, visits, referrals, placements = [], [], [], [], []
            while len(people) < residents:
                hid = str(uuid.uuid4())
                grid = rng.choice(GRIDS)
                periods = [{"start": "2020-01-01", "end": None}] if rng.random() < 0.05 else []
                households.append({"_id": hid, "community_code": community, "grid": grid,
                                   "low_income_periods": periods, "version": 1})
                old = rng.random() < 0.35
                for i in range(rng.choice((1, 1, 2, 2, 3, 4))):
                    age_days = rng.randrange(60 * 365, 95 * 365) if old else rng.randrange(0, 59 * 365)
                    people.append({"_id": str(uuid.uuid4()), "community_code": community, "household_id": hid,
                                   "name": "王小明", "gender": rng.choice(("male", "female")), "grid": grid,
                                   "birth_date": (today - timedelta(days=age_days)).isoformat(),
                                   "employment_status": rng.choice(("employed", "laid_off", "retired", None)),
                                   "residence_type": "temporary" if rng.random() < 0.05 else "registered",
                                   "status": "active", "relation_to_head": "head" if i == 0 else "child",
                                   "retired_cadre": {"kind": "tuixiu"} if rng.random() < 0.01 else None,
                                   "special_care": ["martyr_family"] if rng.random() < 0.01 else [], "version": 1})
            for _ in range(residents // 5):
                visits.append({"_id": str(uuid.uuid4()), "community_code": community,
                               "resident_id": rng.choice(people)["_id"],
                               "reason": rng.choice(("routine", "festival", "birthday")),
                               "visited_on": rng.choice(month_days).isoformat(), "met": rng.random() < 0.8,
                               "aid_total_cny": rng.choice((0, 0, 50, 120.5))})
            for _ in range(residents // 50):
                rid = str(uuid.uuid4())
                groups = ["hard_to_employ_4050"] if rng.random() < 0.4 else []
                referrals.append({"_id": rid, "community_code": community, "resident_id": rng.choice(people)["_id"],
                                  "referred_on": rng.choice(month_days).isoformat(), "priority_groups": groups})
                if rng.random() < 0.3:
                    placements.append({"_id": str(uuid.uuid4()), "community_code": community, "referral_id": rid,
                                       "resident_id": referrals[-1]["resident_id"],
                                       "start_date": rng.choice(month_days).isoformat(), "priority_groups": groups})
            db.households.insert_many(households)
            db.residents.insert_many(people)
            for name, docs in (("visits", visits), ("referrals", referrals), ("placements", placements)):
                if docs:
                    db[name].insert_many(docs)
        db.orgs.insert_many(orgs)


async def run(mongo_url: str, nats_url: str, communities: int, residents: int) -> list[list]:
    clock = Clock()
    settings = ReportsSettings(mongo_url=mongo_url, nats_url=nats_url, mongo_db=DB, run_workers=False,
                               log_level="WARNING")
    async with seeded_app(lambda: create_app(settings, clock),
                          lambda: seed(mongo_url, communities, residents, clock.today()),
                          communities * residents) as (app, counter):
        ctx = app.state.reports
        await templates.save_template(ctx, ADMIN, DISTRICT, "district_30", template_of_30())
        period = Period(kind="month", year=clock.today().year, number=clock.today().month)
        before, started = counter.snapshot(), time.perf_counter()
        result = await runs.start_run(ctx, ADMIN, "district_30", period)
        elapsed = time.perf_counter() - started
        rows = [["run (compute + snapshot + lineage)", len(result.reports), round(elapsed, 2),
                 round(elapsed * 1000 / len(result.reports), 1), commands_since(counter, before)]]
        before, started = counter.snapshot(), time.perf_counter()
        await reports.recompute(ctx, ADMIN, result.reports[0].report_id)
        elapsed = time.perf_counter() - started
        rows.append(["recompute one community", 1, round(elapsed, 2), round(elapsed * 1000, 1),
                     commands_since(counter, before)])
        before, started = counter.snapshot(), time.perf_counter()
        template = await template_version(ctx.db, "district_30", 1)
        seen = await figures.run_as_seen(ctx, ADMIN, result.id)
        content = rollup_xlsx(template, result.model_dump(), [r.model_dump() for r in seen.reports])
        elapsed = time.perf_counter() - started
        rows.append([f"roll-up XLSX ({len(content) // 1024} KB)", len(result.reports), round(elapsed, 2),
                     round(elapsed * 1000 / len(result.reports), 1), commands_since(counter, before)])
    return rows


def commands_since(counter: CommandCounter, before) -> int:
    return sum((counter.snapshot() - before).values())


def main(communities: int = 100, residents: int = 1000) -> None:
    with servers() as (nats, mongo):
        rows = asyncio.run(run(mongo.url, nats.url, communities, residents))
    print_table(f"Reports: one template of 30 indicators, {communities} communities x {residents} residents",
                ["step", "communities", "s", "ms per community", "store cmds"], rows)


if __name__ == "__main__":
    main(*[int(a) for a in sys.argv[1:]])
