"""Ranking time: one posting against 20,000 seekers, one seeker against 2,000 postings.

The pure ranking (domain code alone) and the whole API call (store read, ranking, JSON), with seekers
and postings written straight into the employment store in its own document shape. A posting's match
is timed three ways: cold (the district's seekers read whole), warm (kept in the process), and right
after one seeker's intentions changed through the API (the kept seekers catch up from the change log); beside
each, the store commands of one such call (employment's, counted in its process by `store_commands`, the relay's
left out).
Run: .venv/bin/python bench/employment_matching.py [seekers] [postings]
"""
from __future__ import annotations

import random
import sys
import time
import uuid
from datetime import date, timedelta

import httpx
from pymongo import MongoClient
from store_commands import ServiceCommands, relay_commands

from linli_shared.auth import issue_token
from linli_shared.settings import DEV_JWT_SECRET

from linli_employment.domain.matching import rank_postings, rank_seekers
from linli_employment.domain.vocabulary import CATEGORY_LABELS
from linli_employment.service_layer.matching import posting
from linli_employment.storage.kept_seekers import profile

from common import print_table, servers, service_process

DB = "bench_employment"
CATEGORIES = list(CATEGORY_LABELS)
SKILLS = ["做饭", "照护老人", "育婴", "驾驶", "电脑", "电工证", "保洁", "收银"]


def community(rng: random.Random) -> str:
    return f"130303{rng.randrange(1, 11):03d}{rng.randrange(1, 11):03d}"


def seeker_docs(rng: random.Random, n: int) -> list[dict]:
    today = date(2026, 11, 1)
    return [{"_id": str(uuid.uuid4()), "resident_id": "r", "community_code": community(rng), "name": "王小明",
             "gender": rng.choice(("male", "female")),
             "birth_date": (today - timedelta(days=rng.randrange(18 * 365, 60 * 365))).isoformat(),
             "status": rng.choice(("intent_pending", "active")), "version": 1,
             "priority_groups": rng.sample(["hard_to_employ_4050", "zero_employment_family", "youth"],
                                           rng.randrange(0, 2)),
             "intentions": {"categories": rng.sample(CATEGORIES, 2), "hours": ["full_time"],
                            "min_monthly_wage_cny": rng.randrange(1800, 4000, 100), "skills": rng.sample(SKILLS, 2),
                            "certificates": []}, "certificate": {"status": "none"}} for _ in range(n)]


def job_docs(rng: random.Random, n: int) -> list[dict]:
    return [{"_id": str(uuid.uuid4()), "employer_id": "e", "employer_name": "某公司", "community_code": community(rng),
             "title": "岗位", "category": rng.choice(CATEGORIES), "headcount": 2, "hires": 0,
             "wage_min_cny": 2000, "wage_max_cny": rng.randrange(2200, 5000, 100), "hours": "full_time",
             "skills_required": [], "skills_preferred": rng.sample(SKILLS, 2), "certificates_required": [],
             "requirement": {"gender": None, "min_age": None, "max_age": None, "reason": None},
             "guarantor_needed": False, "suits_4050": rng.random() < 0.3, "suits_disabled": False,
             "status": "open", "version": 1} for _ in range(n)]


def timed(fn, runs: int = 3, before=lambda: None, store: ServiceCommands | None = None) -> float | tuple[float, int]:
    """Best of `runs`, in ms; `before` runs ahead of each, untimed. With `store`, also the service's store
    commands of the last run (the outbox relay's left out)."""
    best, commands = float("inf"), 0
    for _ in range(runs):
        before()
        counted = store.snapshot() if store else None
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
        if store:
            since = store.snapshot() - counted
            commands = sum((since - relay_commands(since)).values())
    return (round(best * 1000, 1), commands) if store else round(best * 1000, 1)


def intentions_changer(api: httpx.Client, seeker: dict):
    version = iter(range(seeker["version"], 1_000_000))

    def change() -> None:
        n = next(version)
        api.patch(f"/v1/job-seekers/{seeker['_id']}", headers={"If-Match": f'"{n}"'},
                  json={"intentions": {**seeker["intentions"], "min_monthly_wage_cny": 2000 + n}}).raise_for_status()
    return change


def main(n_seekers: int = 20000, n_jobs: int = 2000) -> None:
    rng = random.Random(5)
    seekers, jobs = seeker_docs(rng, n_seekers), job_docs(rng, n_jobs)
    today = date(2026, 11, 1)
    profiles, postings = [profile(s) for s in seekers], [posting(j) for j in jobs]
    pure_job = timed(lambda: rank_seekers(postings[0], profiles, today))
    pure_seeker = timed(lambda: rank_postings(profiles[0], postings, today))
    with servers() as (nats, mongo), ServiceCommands() as store, \
            service_process("employment", nats, mongo, DB, extra_env=store.env) as url:
        with MongoClient(mongo.url) as client:
            client[DB].seekers.insert_many(seekers)
            client[DB].jobs.insert_many(jobs)
        token = issue_token(DEV_JWT_SECRET, "bench", ["admin"], ["130303"])
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=120) as api:
            match_job = lambda: api.get(f"/v1/jobs/{jobs[0]['_id']}/matches").raise_for_status()  # noqa: E731
            job_cold = timed(match_job, runs=1, store=store)
            job_warm = timed(match_job, store=store)
            job_after_write = timed(match_job, before=intentions_changer(api, seekers[1]), store=store)
            api_seeker = timed(lambda: api.get(f"/v1/job-seekers/{seekers[0]['_id']}/matches").raise_for_status(),
                               store=store)
    print_table("Employment matching, best of 3 (ms; cmds: the store commands of one call)",
                ["ranking", "candidates", "pure ranking", "API cold", "API warm", "API after one write"], [
                    ["one posting → seekers", n_seekers, pure_job, *(f"{ms} ({n} cmds)" for ms, n in
                                                                     (job_cold, job_warm, job_after_write))],
                    ["one seeker → postings", n_jobs, pure_seeker, "{} ({} cmds)".format(*api_seeker), "", ""]])


if __name__ == "__main__":
    main(*[int(a) for a in sys.argv[1:]])
