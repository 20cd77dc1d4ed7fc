"""Finding a resident, their card, a deliberate reveal, and recording a life event.

The card is masked by default even for a user who may see more: the full ID number and phone appear only after
a deliberate POST (a button), and the registry records the read on its trail.
"""
from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from linli_shared.privacy import mask_id_number, mask_phone

from linli_console import dates
from linli_console.backend import ApiProblem, Backend, BackendDep
from linli_console.pages.orgs import community_picker
from linli_console.session import CurrentUser, User
from linli_console.strings import label, problem_message, t
from linli_console.templating import render
from linli_console.worklist import is_overdue, today

router = APIRouter()
LIFE_EVENTS_SHOWN = 20  # the newest; older ones are in the registry
JOB_SEEKING = {"unemployed", "laid_off"}
LIFE_EVENTS = ("hospitalized", "discharged", "major_event", "special_situation", "moved_out", "deceased")


def masked(resident: dict) -> dict:
    """The resident as the card shows them before a reveal."""
    return {**resident, "id_number": mask_id_number(resident.get("id_number"), resident.get("id_type")) or "",
            "phone": mask_phone(resident.get("phone"))}


@router.get("/residents")
async def search(request: Request, user: CurrentUser, api: BackendDep) -> Response:
    q = (request.query_params.get("q") or "").strip()
    picker = await community_picker(api, user, (request.query_params.get("community") or "").strip() or None)
    community = picker.chosen
    values = {"q": q, "community": community}
    if not q:
        return render(request, "residents/search.html", {"user": user, "picker": picker, "values": values,
                                                         "found": None})
    try:
        # The list is shown masked, so the registry is asked for it masked: no reveal on the trail for a search.
        params = {"q": q, "limit": 50, "reveal": "false",
                  **({"cursor": c} if (c := request.query_params.get("cursor")) else {})}
        page = (await api.get("registry", f"/v1/communities/{community}/residents", params=params)).body
    except ApiProblem as exc:
        if exc.status != 422:
            raise
        errors = {"q" if name == "q" else "community": message for name, message in exc.field_errors.items()}
        return render(request, "residents/search.html", {"user": user, "picker": picker, "values": values,
                                                         "found": None, "errors": errors, "problem": exc.message}, 422)
    return render(request, "residents/search.html", {
        "user": user, "picker": picker, "values": values, "found": [masked(r) for r in page["items"]],
        "next_cursor": page.get("next_cursor")})


async def _optional(call) -> Any:
    """A part of the card another service answers; a refusal there leaves that part empty, not the page."""
    try:
        return (await call).body
    except ApiProblem as exc:
        if exc.status in (401, 503):
            raise
        return None


async def _seeker(api: Backend, resident: dict) -> dict | None:
    if resident.get("employment_status") not in JOB_SEEKING:
        return None
    page = await _optional(api.get("employment", f"/v1/communities/{resident['community_code']}/job-seekers",
                                   params={"resident_id": resident["id"], "limit": 1}))
    return next(iter((page or {}).get("items", [])), None)


async def _card(api: Backend, resident_id: str, revealed: bool = False) -> dict[str, Any]:
    """Read masked unless `revealed`: only the deliberate reveal puts the resident on the registry's trail.
    What needs only the resident's id is asked for beside the resident; the rest once their community is known."""
    visits = asyncio.ensure_future(_optional(api.get("visits", f"/v1/residents/{resident_id}/visits")))
    life = asyncio.ensure_future(_optional(api.get("registry", f"/v1/residents/{resident_id}/life-events",
                                                   params={"limit": LIFE_EVENTS_SHOWN})))
    try:
        resident = (await api.get("registry", f"/v1/residents/{resident_id}",
                                  params={} if revealed else {"reveal": "false"})).body
    except BaseException:
        for started in (visits, life):
            started.cancel()
        raise
    community, household_id = resident["community_code"], resident.get("household_id")
    household, members, pending, seeker = await asyncio.gather(
        _optional(api.get("registry", f"/v1/households/{household_id}")) if household_id else _none(),
        _optional(api.get("registry", f"/v1/communities/{community}/residents",  # housemates are never revealed
                          params={"household_id": household_id, "limit": 50, "reveal": "false"}))
        if household_id else _none(),
        _optional(api.get("visits", f"/v1/communities/{community}/visit-tasks",
                          params={"resident_id": resident_id, "status": "pending", "limit": 500})),
        _seeker(api, resident))
    tasks = (pending or {}).get("items", [])
    return {"resident": resident, "household": household,
            "members": [m for m in (members or {}).get("items", []) if m["id"] != resident_id],
            "tasks": sorted(tasks, key=lambda task: task["status"] != "overdue"),  # overdue first, as they were
            "visits": sorted(await visits or [], key=lambda v: v["visited_at"], reverse=True), "seeker": seeker,
            "life_events": (await life or {}).get("items", [])}


async def _none() -> None:
    return None


def _card_page(request: Request, user: User, card: dict, revealed: bool = False, status_code: int = 200,
               **extra: Any) -> Response:
    resident = card["resident"] if revealed else masked(card["resident"])
    day = today()
    return render(request, "residents/card.html", {
        "user": user, **card, "resident": resident, "revealed": revealed, "today": day.isoformat(),
        "overdue": {task["id"] for task in card["tasks"] if is_overdue(task, day)},  # as the worker's day says
        "life_kinds": [(kind, label("life_event", kind)) for kind in LIFE_EVENTS],
        **extra}, status_code=status_code)


@router.get("/residents/{resident_id}")
async def card(request: Request, resident_id: str, user: CurrentUser, api: BackendDep) -> Response:
    notice = {"life": t("life.saved"), "registered": t("register.saved")}.get(request.query_params.get("saved"))
    return _card_page(request, user, await _card(api, resident_id), notice=notice)


@router.post("/residents/{resident_id}/reveal")
async def reveal(request: Request, resident_id: str, user: CurrentUser, api: BackendDep) -> Response:
    """The deliberate reveal: shown once, in this response, never kept by the console."""
    if not user.may_reveal:
        raise ApiProblem(403, "auth.role")
    return _card_page(request, user, await _card(api, resident_id, revealed=True), revealed=True,
                      notice=t("card.revealed"))


@router.post("/residents/{resident_id}/life-events")
async def life_event(request: Request, resident_id: str, user: CurrentUser, api: BackendDep) -> Response:
    form = await request.form()
    note = (form.get("note") or "").strip() or None
    try:  # a browser without a date picker sends what was typed: 2026年12月6日, 2026/12/6, ...
        day = dates.typed(form["date"]).isoformat() if form.get("date") else None
    except ValueError:
        return _card_page(request, user, await _card(api, resident_id), values=dict(form),
                          errors={"date": t("error.date_unreadable")}, problem=problem_message(422, ""),
                          status_code=422)
    try:
        await api.post("registry", f"/v1/residents/{resident_id}/life-events",
                       json={"kind": form.get("kind"), "date": day, "note": note})
    except ApiProblem as exc:
        if exc.status not in (409, 422):
            raise
        return _card_page(request, user, await _card(api, resident_id), values=dict(form),
                          errors=exc.field_errors, problem=exc.message, status_code=exc.status)
    return RedirectResponse(f"/residents/{resident_id}?saved=life", status_code=303)
