"""The ledger (台账): upload a committee's Excel ledger, follow the import, read each row's error, export."""
from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from linli_console.backend import ApiProblem, BackendDep
from linli_console.pages.orgs import GROUPS, community_picker, home_org
from linli_console.session import CurrentUser
from linli_console.strings import LABELS, label, t
from linli_console.templating import render

router = APIRouter(prefix="/ledger")
REFRESH_SECONDS = 2  # a running import's page reloads itself (a Refresh header: no script needed)
ERRORS_PER_PAGE = 1000  # as many as the import itself returns
EXPORT_FILTERS = ("group", "status", "grid", "as_of")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


ENGLISH_GLOSS = re.compile(r"\s*\([\x20-\x7e]*\)\s*$")  # "……请核对 (checksum)": a gloss for the API's readers


def plain_message(message: str) -> str:
    """A row error as the committee reads it: the registry's Chinese sentence, without its English gloss."""
    return ENGLISH_GLOSS.sub("", message) or message


def _plain(problems: list[dict]) -> list[dict]:
    return [{**p, "message": plain_message(p["message"])} for p in problems]


async def _index(request: Request, user, api, given: str | None, errors: dict | None = None,
                 problem: str | None = None, status_code: int = 200) -> Response:
    """The upload form, recent imports and export for the community asked for, with the picker for staff of
    several (one of them is chosen when none is asked for)."""
    picker = await community_picker(api, user, given)
    community = picker.chosen
    recent = (await api.get("registry", f"/v1/communities/{community}/imports", params={"limit": 10})).body
    everyone = [("", t("common.all"))]
    return render(request, "ledger/index.html", {
        "user": user, "community": community, "picker": picker, "imports": recent, "errors": errors or {},
        "problem": problem,
        "group_options": everyone + [(g, label("group", g)) for g in GROUPS],
        "status_options": everyone + list(LABELS["resident_status"].items())}, status_code)


@router.get("")
async def ledger_page(request: Request, user: CurrentUser, api: BackendDep,
                      community: Annotated[str | None, Query()] = None) -> Response:
    return await _index(request, user, api, community)


@router.post("")
async def upload(request: Request, user: CurrentUser, api: BackendDep) -> Response:
    form = await request.form()
    community = home_org(user, str(form.get("community") or "") or None)  # the form names the one shown
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return await _index(request, user, api, community, {"file": t("ledger.file_missing")}, status_code=422)
    content = await upload.read()
    try:
        started = await api.post("registry", f"/v1/communities/{community}/imports",
                                 files={"file": (upload.filename, content, upload.content_type or XLSX)})
    except ApiProblem as exc:
        return await _index(request, user, api, community, {"file": exc.message}, status_code=exc.status)
    return RedirectResponse(f"/ledger/imports/{quote(started.body['import_id'])}", status_code=303)


@router.get("/imports/{import_id}")
async def import_page(request: Request, user: CurrentUser, api: BackendDep, import_id: str,
                      offset: Annotated[int, Query(ge=0)] = 0) -> Response:
    job = (await api.get("registry", f"/v1/imports/{quote(import_id)}")).body
    errors = job["errors"]
    if offset:
        errors = (await api.get("registry", f"/v1/imports/{quote(import_id)}/errors",
                                params={"offset": offset, "limit": ERRORS_PER_PAGE})).body
    job["warnings"] = _plain(job["warnings"])
    if job["failure"]:
        job["failure"]["message"] = plain_message(job["failure"].get("message", ""))
    headers = {c["column"]: c["header"] for c in job["columns"]}  # the ledger's own column names
    more = job["rows_failed"] > offset + len(errors) and len(errors) == ERRORS_PER_PAGE
    response = render(request, "ledger/import.html", {
        "user": user, "job": job, "errors_shown": _plain(errors), "offset": offset, "headers": headers,
        "next_offset": offset + ERRORS_PER_PAGE if more else None, "refresh": job["status"] == "running"})
    if job["status"] == "running":
        response.headers["Refresh"] = str(REFRESH_SECONDS)
    return response


@router.get("/export")
async def export(user: CurrentUser, api: BackendDep, request: Request,
                 community: Annotated[str | None, Query()] = None) -> Response:
    code = home_org(user, community)
    params = {k: v for k in EXPORT_FILTERS if (v := request.query_params.get(k))}
    ledger = await api.get("registry", f"/v1/communities/{code}/residents.xlsx", params=params)
    name = quote(t("ledger.export_file").format(code=code))
    return Response(ledger.body, media_type=XLSX,
                    headers={"Content-Disposition": f"attachment; filename=ledger.xlsx; filename*=UTF-8''{name}"})
