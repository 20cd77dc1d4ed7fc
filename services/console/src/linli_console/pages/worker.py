"""A worker's day: today's and overdue visit tasks, recording a visit from a task, and the inbox."""
from __future__ import annotations

import asyncio
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from linli_console import worklist
from linli_console.backend import ApiProblem, Backend, BackendDep
from linli_console.pages.orgs import community_picker
from linli_console.session import CurrentUser, User
from linli_console.strings import NEED_CATEGORIES, t
from linli_console.templating import render

router = APIRouter()
INBOX_PAGE = 50
SHOWN = 50  # the nearest-due tasks a phone lists; the rest wait until these are done
DUE_PAGE = 200  # room for the tasks other workers hold among the nearest due, before SHOWN of mine are left
UNREAD_CAP = 99  # the badge says 99+ past this; counting further costs a bigger page for nothing


async def unread_count(api: Backend) -> int:
    page = (await api.get("notify", "/v1/inbox", params={"unread": "true", "limit": UNREAD_CAP + 1})).body
    return len(page["items"])


async def _due_now(api: Backend, community: str, day: date) -> list[dict]:
    """The community's pending tasks whose window has opened, the nearest due first (the visits API sorts)."""
    return (await api.get("visits", f"/v1/communities/{community}/visit-tasks", params={
        "status": "pending", "window_open_on": day.isoformat(), "order": "due", "limit": DUE_PAGE})).body["items"]


async def _pending_of(api: Backend, community: str, resident_id: str) -> list[dict]:
    """A resident's open and overdue tasks (a handful)."""
    return (await api.get("visits", f"/v1/communities/{community}/visit-tasks", params={
        "status": "pending", "resident_id": resident_id, "limit": 500})).body["items"]


# Whose token may read a community's visit tasks: an officer sees figures only, so has no day of tasks.
DAY_ROLES = frozenset({"worker", "admin"})


@router.get("/")
async def today(request: Request, user: CurrentUser, api: BackendDep) -> Response:
    if not user.roles & DAY_ROLES:
        return render(request, "worker/today.html", {"user": user, "tasks": [], "community": None, "picker": None,
                                                     "unread": await unread_count(api)})
    unread = asyncio.ensure_future(unread_count(api))  # asked beside the picker and the tasks: it needs neither
    picker = await community_picker(api, user, request.query_params.get("community") or None)
    community = picker.chosen
    day = worklist.today(request.app.state.settings.timezone)
    due_now, unread = await asyncio.gather(_due_now(api, community, day), unread)
    listed = worklist.worklist(due_now, day, user.sub)
    tasks = listed[:SHOWN]
    notice = t("worker.visit_saved") if request.query_params.get("saved") == "visit" else None
    return render(request, "worker/today.html", {
        "user": user, "tasks": tasks, "community": community, "picker": picker, "today": day, "notice": notice,
        "overdue": {task["id"] for task in tasks if worklist.is_overdue(task, day)}, "unread": unread,
        "more": len(listed) - len(tasks)})  # of the DUE_PAGE nearest due: the rest wait their turn anyway


async def _task(api: Backend, community: str, task_id: str, resident_id: str) -> dict | None:
    return next((task for task in await _pending_of(api, community, resident_id)
                 if task["id"] == task_id), None)


@router.get("/tasks/{task_id}/visit")
async def visit_form(request: Request, task_id: str, user: CurrentUser, api: BackendDep) -> Response:
    task = await _task(api, request.query_params.get("community", ""), task_id,
                       request.query_params.get("resident", ""))
    if task is None:
        raise ApiProblem(404, "task.not_open")
    return _visit_page(request, user, task, {"met": "true", "method": "in_person"})


def _visit_page(request: Request, user: User, task: dict, values: dict, errors: dict | None = None,
                problem: str | None = None, status_code: int = 200) -> Response:
    return render(request, "worker/visit.html", {
        "user": user, "task": task, "values": values, "errors": errors or {}, "problem": problem,
        "need_categories": [(c, c) for c in NEED_CATEGORIES]}, status_code=status_code)


def visit_body(task: dict, form: dict[str, Any], when: str) -> dict[str, Any]:
    """The visits API's VisitIn from the form: the task's resident and reason, at `when`."""
    body: dict[str, Any] = {"resident_id": task["resident_id"], "task_id": task["id"], "reason": task["reason"],
                            "visited_at": when, "met": form.get("met") == "true",
                            "method": form.get("method") or "in_person",
                            "observations": (form.get("observations") or "").strip() or None}
    if (form.get("need_description") or "").strip():
        body["needs"] = [{"category": form.get("need_category") or NEED_CATEGORIES[-1],
                          "description": form["need_description"].strip(), "urgent": form.get("need_urgent") == "on"}]
    if (form.get("aid_description") or "").strip():
        body["aid"] = [{"kind": form.get("aid_kind") or "goods", "description": form["aid_description"].strip(),
                        "value_cny": form.get("aid_value_cny") or "0"}]
    return body


# The API's field paths -> the form's fields, so an error shows beside the input that caused it.
FORM_FIELDS = {"needs.category": "need_category", "needs.description": "need_description",
               "aid.kind": "aid_kind", "aid.description": "aid_description", "aid.value_cny": "aid_value_cny"}


@router.post("/tasks/{task_id}/visit")
async def record_visit(request: Request, task_id: str, user: CurrentUser, api: BackendDep) -> Response:
    form = dict(await request.form())
    task = await _task(api, form.get("community", ""), task_id, form.get("resident", ""))
    if task is None:
        raise ApiProblem(404, "task.not_open")
    try:
        await api.post("visits", f"/v1/communities/{task['community_code']}/visits",
                       json=visit_body(task, form, worklist.now(request.app.state.settings.timezone)))
    except ApiProblem as exc:
        if exc.status not in (409, 422):
            raise
        errors = {FORM_FIELDS.get(name, name): message for name, message in exc.field_errors.items()}
        return _visit_page(request, user, task, form, errors, exc.message, exc.status)
    back = urlencode({"saved": "visit", "community": task["community_code"]})  # the day of the same community
    return RedirectResponse(f"/?{back}", status_code=303)


@router.get("/inbox")
async def inbox(request: Request, user: CurrentUser, api: BackendDep) -> Response:
    params = {"limit": INBOX_PAGE, **({"cursor": c} if (c := request.query_params.get("cursor")) else {})}
    page = (await api.get("notify", "/v1/inbox", params=params)).body
    return render(request, "worker/inbox.html", {"user": user, "items": page["items"],
                                                 "next_cursor": page.get("next_cursor"),
                                                 "unread": await unread_count(api), "cap": UNREAD_CAP})


@router.post("/inbox/{notification_id}/read")
async def mark_read(notification_id: str, user: CurrentUser, api: BackendDep) -> Response:
    await api.post("notify", f"/v1/inbox/{notification_id}/read")
    return RedirectResponse("/inbox", status_code=303)
