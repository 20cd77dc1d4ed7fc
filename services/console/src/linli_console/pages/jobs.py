"""Jobs: the community's seekers with their priority groups, open postings, a posting's ranked matches with
their reasons, and a referral with its outcome."""
from __future__ import annotations

import asyncio
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from linli_console.backend import ApiProblem, Backend, BackendDep
from linli_console.pages.orgs import community_picker
from linli_console.session import CurrentUser
from linli_console.strings import LABELS, t
from linli_console.templating import render

router = APIRouter(prefix="/jobs")
MATCHES_SHOWN = 20
OUTCOMES = ("interviewed", "hired", "rejected", "declined", "no_show")


@router.get("")
async def jobs_page(request: Request, user: CurrentUser, api: BackendDep,
                    community: Annotated[str | None, Query()] = None,
                    priority_group: Annotated[str | None, Query()] = None,
                    cursor: Annotated[str | None, Query()] = None) -> Response:
    picker = await community_picker(api, user, community)
    code = picker.chosen
    filters = {k: v for k, v in {"priority_group": priority_group, "cursor": cursor}.items() if v}
    seekers = (await api.get("employment", f"/v1/communities/{code}/job-seekers", params=filters)).body
    postings = (await api.get("employment", "/v1/jobs", params={"community": code, "status": "open"})).body
    return render(request, "jobs/index.html", {
        "user": user, "community": code, "picker": picker, "seekers": seekers, "postings": postings["items"],
        "values": {"priority_group": priority_group or ""},
        "group_options": [("", t("common.all")), *LABELS["priority_group"].items()]})


async def _posting(request: Request, user, api: Backend, job_id: str, errors: dict | None = None,
                   problem: str | None = None, status_code: int = 200) -> Response:
    job = (await api.get("employment", f"/v1/jobs/{quote(job_id)}")).body
    matches = (await api.get("employment", f"/v1/jobs/{quote(job_id)}/matches", params={"limit": MATCHES_SHOWN})).body
    return render(request, "jobs/posting.html", {"user": user, "job": job, "matches": matches,
                                                 "seekers": await _seekers(api, job["community_code"], matches),
                                                 "errors": errors or {}, "problem": problem}, status_code)


async def _seekers(api: Backend, community: str, matches: list[dict]) -> dict[str, dict]:
    """The matched seekers by id: one page of the posting's community, then any matched from elsewhere."""
    if not matches:
        return {}
    listed = await api.get("employment", f"/v1/communities/{community}/job-seekers", params={"limit": 500})
    seekers = {s["id"]: s for s in listed.body["items"]}
    missing = [m["seeker_id"] for m in matches if m["seeker_id"] not in seekers]
    found = await asyncio.gather(*(api.get("employment", f"/v1/job-seekers/{quote(i)}") for i in missing))
    return seekers | {r.body["id"]: r.body for r in found}


@router.get("/postings/{job_id}")
async def posting_page(request: Request, user: CurrentUser, api: BackendDep, job_id: str) -> Response:
    return await _posting(request, user, api, job_id)


@router.post("/postings/{job_id}/referrals")
async def refer(request: Request, user: CurrentUser, api: BackendDep, job_id: str) -> Response:
    form = await request.form()
    body = {"seeker_id": form.get("seeker_id"), "job_id": job_id,
            "interview_at": form.get("interview_at") or None, "note": form.get("note") or None}
    try:
        made = await api.post("employment", "/v1/referrals", json=body)
    except ApiProblem as exc:
        return await _posting(request, user, api, job_id, exc.field_errors, exc.message, exc.status)
    return RedirectResponse(f"/jobs/referrals/{quote(made.body['id'])}?made=1", status_code=303)


async def _referral(request: Request, user, api: Backend, referral_id: str, errors: dict | None = None,
                    problem: str | None = None, notice: str | None = None, status_code: int = 200) -> Response:
    referral = (await api.get("employment", f"/v1/referrals/{quote(referral_id)}")).body
    job = (await api.get("employment", f"/v1/jobs/{quote(referral['job_id'])}")).body
    seeker = (await api.get("employment", f"/v1/job-seekers/{quote(referral['seeker_id'])}")).body
    return render(request, "jobs/referral.html", {
        "user": user, "referral": referral, "job": job, "seeker": seeker, "errors": errors or {},
        "problem": problem, "notice": notice,
        "outcome_options": [(o, LABELS["referral_status"][o]) for o in OUTCOMES]}, status_code)


@router.get("/referrals/{referral_id}")
async def referral_page(request: Request, user: CurrentUser, api: BackendDep, referral_id: str,
                        made: bool = False, saved: bool = False) -> Response:
    notice = t("jobs.referral_made") if made else t("jobs.outcome_saved") if saved else None
    return await _referral(request, user, api, referral_id, notice=notice)


@router.post("/referrals/{referral_id}/outcome")
async def record_outcome(request: Request, user: CurrentUser, api: BackendDep, referral_id: str) -> Response:
    form = await request.form()
    body = {"outcome": form.get("outcome"), "note": form.get("note") or None,
            "start_date": form.get("start_date") or None, "wage_cny": form.get("wage_cny") or None}
    try:
        await api.post("employment", f"/v1/referrals/{quote(referral_id)}/outcome", json=body)
    except ApiProblem as exc:
        errors = exc.field_errors or ({"start_date": exc.message} if exc.code == "referral.hire.incomplete" else {})
        return await _referral(request, user, api, referral_id, errors, exc.message, status_code=exc.status)
    return RedirectResponse(f"/jobs/referrals/{quote(referral_id)}?saved=1", status_code=303)
