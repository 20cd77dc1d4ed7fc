"""Admins and officers: assign visit tasks, edit the visit policy, review reports (一表通): a community
admin submits, the street accepts or returns with a comment. Roll-ups are the community page at a street."""
from __future__ import annotations

import asyncio
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from linli_console.backend import ApiProblem, Backend, BackendDep
from linli_console.pages.orgs import GROUPS, Picker, community_picker, org_picker
from linli_console.session import CurrentUser, User
from linli_console.strings import LABELS, label, t
from linli_console.templating import render

router = APIRouter(prefix="/admin")
TASKS_SHOWN = 100
POLICY_DAYS = ("hospitalized_days", "major_event_days", "special_situation_days", "birthday_days_either_side",
               "birthday_notice_days", "follow_up_days", "festival_days_before", "festival_days_after")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STREET_DIGITS = 9
REVIEW_ACTIONS = {"submit": "admin.submitted", "accept": "admin.accepted", "return": "admin.returned"}


# --- tasks ---
async def _staff(api: Backend, community: str) -> list[dict]:
    staff = (await api.get("registry", f"/v1/orgs/{community}/staff", params={"limit": 500})).body["items"]
    return [s for s in staff if s["role"] in ("worker", "admin")]


async def _tasks(request: Request, user, api: Backend, picker: Picker, status: str, notice: str | None = None,
                 problem: str | None = None, status_code: int = 200) -> Response:
    community = picker.chosen
    tasks = (await api.get("visits", f"/v1/communities/{community}/visit-tasks",
                           params={"status": status, "limit": TASKS_SHOWN})).body
    staff = await _staff(api, community)
    return render(request, "admin/tasks.html", {
        "user": user, "community": community, "picker": picker, "tasks": tasks,
        "staff": {s["id"]: s["name"] for s in staff},
        "staff_options": [(s["id"], s["name"]) for s in staff], "values": {"status": status},
        "status_options": list(LABELS["task_status"].items()), "notice": notice, "problem": problem}, status_code)


@router.get("/tasks")
async def tasks_page(request: Request, user: CurrentUser, api: BackendDep,
                     community: Annotated[str | None, Query()] = None,
                     status: Annotated[str, Query()] = "open", assigned: bool = False) -> Response:
    return await _tasks(request, user, api, await community_picker(api, user, community), status,
                        notice=t("admin.assigned") if assigned else None)


@router.post("/tasks/{task_id}/assign")
async def assign(request: Request, user: CurrentUser, api: BackendDep, task_id: str) -> Response:
    form = await request.form()
    picker = await community_picker(api, user, str(form.get("community") or "") or None)
    status = str(form.get("status") or "open")
    try:
        await api.post("visits", f"/v1/visit-tasks/{quote(task_id)}/assign", json={"staff_id": form.get("staff_id")})
    except ApiProblem as exc:
        return await _tasks(request, user, api, picker, status, problem=exc.message, status_code=exc.status)
    return RedirectResponse(f"/admin/tasks?community={quote(picker.chosen)}&status={quote(status)}&assigned=1",
                            status_code=303)


# --- visit policy ---
def _days(value: object) -> object:
    """A whole number of days as typed; anything else goes to the API as typed, which says what is wrong."""
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() else text


def policy_from_form(form, current: dict) -> dict:
    """The policy as the form changed it: a cadence left blank is dropped, the rest keep their group."""
    cadences = [{"group": c["group"], "every_days": _days(form.get(f"cadence.{c['group']}"))}
                for c in current["cadences"] if form.get(f"cadence.{c['group']}")]
    return {**current, "cadences": cadences, "mandatory_groups": form.getlist("mandatory_groups"),
            **{k: _days(form.get(k)) for k in POLICY_DAYS if k in form}}


def _policy_page(request: Request, user, picker: Picker, policy: dict, errors: dict | None = None,
                 problem: str | None = None, notice: str | None = None, status_code: int = 200) -> Response:
    return render(request, "admin/policy.html", {
        "user": user, "community": picker.chosen, "picker": picker, "policy": policy, "days": POLICY_DAYS,
        "groups": GROUPS, "errors": errors or {}, "problem": problem, "notice": notice}, status_code)


@router.get("/policy")
async def policy_page(request: Request, user: CurrentUser, api: BackendDep,
                      community: Annotated[str | None, Query()] = None, saved: bool = False) -> Response:
    picker = await community_picker(api, user, community)
    policy = (await api.get("visits", f"/v1/communities/{picker.chosen}/visit-policy")).body
    return _policy_page(request, user, picker, policy, notice=t("admin.policy_saved") if saved else None)


@router.post("/policy")
async def save_policy(request: Request, user: CurrentUser, api: BackendDep) -> Response:
    form = await request.form()
    picker = await community_picker(api, user, str(form.get("community") or "") or None)
    code = picker.chosen
    current = (await api.get("visits", f"/v1/communities/{code}/visit-policy")).body
    changed = policy_from_form(form, current)
    try:
        await api.put("visits", f"/v1/communities/{code}/visit-policy", json=changed)
    except ApiProblem as exc:
        return _policy_page(request, user, picker, changed, exc.field_errors, exc.message, status_code=exc.status)
    return RedirectResponse(f"/admin/policy?community={quote(code)}&saved=1", status_code=303)


# --- reports (一表通) ---
@router.get("/reports")
async def reports_page(request: Request, user: CurrentUser, api: BackendDep,
                       org: Annotated[str | None, Query()] = None,
                       status: Annotated[str | None, Query()] = None) -> Response:
    picker = await org_picker(api, user, org)
    params = {k: v for k, v in {"status": status, "limit": 200}.items() if v}
    reports, templates = await asyncio.gather(api.get("reports", f"/v1/orgs/{picker.chosen}/reports", params=params),
                                              api.get("reports", f"/v1/orgs/{picker.chosen}/report-templates"))
    return render(request, "admin/reports.html", {
        "user": user, "org": picker.chosen, "picker": picker, "reports": reports.body,
        "template_names": {tp["key"]: tp["name"] for tp in templates.body}, "values": {"status": status or ""},
        "status_options": [("", t("common.all")), *LABELS["report_status"].items()]})


async def _labels(api: Backend, report: dict) -> dict[str, str]:
    """Each indicator's Chinese label, from the report's template (the latest saved: labels rarely move)."""
    try:
        templates = (await api.get("reports", f"/v1/orgs/{report['community_code']}/report-templates")).body
    except ApiProblem:
        return {}
    mine = next((tp for tp in templates if tp["key"] == report["template_key"]), None)
    return {i["key"]: i["label"] for i in mine["indicators"]} if mine else {}


async def _report(request: Request, user, api: Backend, report_id: str, notice: str | None = None,
                  errors: dict | None = None, problem: str | None = None, status_code: int = 200) -> Response:
    report = (await api.get("reports", f"/v1/reports/{quote(report_id)}")).body
    labels = await _labels(api, report)
    return render(request, "admin/report.html", {
        "user": user, "report": report, "rows": report_rows(report, labels), "notice": notice,
        "may_submit": may_submit(user, report), "may_review": may_review(user, report),
        "errors": errors or {}, "problem": problem}, status_code)


def _admin_over(user: User, org_code: str) -> bool:
    return "admin" in user.roles and any(org_code.startswith(code.split("-")[0]) for code in user.scope)


def may_submit(user: User, report: dict) -> bool:
    """The community's admin submits its draft or returned report (the reports service decides; this only
    spares a person a button that can only fail)."""
    return report["status"] in ("draft", "returned") and _admin_over(user, report["community_code"])


def may_review(user: User, report: dict) -> bool:
    """The street's admin (scope the street or above, not the community itself) accepts or returns."""
    street = report["community_code"][:STREET_DIGITS]
    return report["status"] == "submitted" and _admin_over(user, street)


@router.get("/reports/{report_id}")
async def report_page(request: Request, user: CurrentUser, api: BackendDep, report_id: str,
                      done: str | None = None) -> Response:
    return await _report(request, user, api, report_id, t(REVIEW_ACTIONS[done]) if done in REVIEW_ACTIONS else None)


@router.post("/reports/{report_id}/{action}")
async def review(request: Request, user: CurrentUser, api: BackendDep, report_id: str, action: str) -> Response:
    if action not in REVIEW_ACTIONS:
        return RedirectResponse(f"/admin/reports/{quote(report_id)}", status_code=303)
    form = await request.form()
    body = {"comment": form.get("comment") or ""} if action == "return" else None
    try:
        await api.post("reports", f"/v1/reports/{quote(report_id)}/{action}", json=body)
    except ApiProblem as exc:
        return await _report(request, user, api, report_id, errors=exc.field_errors, problem=exc.message,
                             status_code=exc.status)
    return RedirectResponse(f"/admin/reports/{quote(report_id)}?done={action}", status_code=303)


def report_rows(report: dict, labels: dict[str, str]) -> list[tuple[str, str, object]]:
    """(indicator, its label, its value) in the template's order where the template is known."""
    order = [k for k in labels if k in report["values"]] + [k for k in report["values"] if k not in labels]
    return [(key, labels.get(key, label("group", key)), report["values"][key]) for key in order]


@router.get("/reports/{report_id}/xlsx")
async def report_xlsx(user: CurrentUser, api: BackendDep, report_id: str) -> Response:
    sheet = await api.get("reports", f"/v1/reports/{quote(report_id)}.xlsx")
    return Response(sheet.body, media_type=XLSX,
                    headers={"Content-Disposition": f"attachment; filename=report.xlsx; "
                                                    f"filename*=UTF-8''{quote(report_id)}.xlsx"})
