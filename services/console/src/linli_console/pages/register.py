"""Registering a newcomer (a baby, someone moving in): into an existing household, or into a new one.

A new household is registered only once the resident's own fields are filled; if the registry then refuses the
resident, the form comes back bound to that household (its id in a hidden field), so a second try makes no second
household. The ID number goes only in a POST body: never in a URL the console makes, never in a log.
"""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from linli_console.backend import ApiProblem, Backend, BackendDep
from linli_console.pages.orgs import community_picker
from linli_console.session import CurrentUser, User
from linli_console.strings import label, problem_message, t
from linli_console.templating import render

router = APIRouter()
ADDRESS = ("estate", "building", "unit", "room")
RELATIONS = ("head", "spouse", "child", "parent", "grandchild", "sibling", "other")
RESIDENCE_TYPES = ("registered", "resident_nonlocal", "temporary")
EMPLOYMENT = ("employed", "retired", "unemployed", "laid_off", "student", "preschool", "other")
HOUSING = ("owned", "rented", "public")
REQUIRED = ("name", "id_number")


def _options(kind: str, codes: tuple[str, ...], blank: bool = True) -> list[tuple[str, str]]:
    return [("", t("register.unset"))] * blank + [(code, label(kind, code)) for code in codes]


def missing_fields(form: dict[str, str], new_household: bool) -> dict[str, str]:
    """What the console can tell is missing before anything is written (the registry decides the rest)."""
    needed = REQUIRED + (("estate",) if new_household else ())
    return {name: t("register.missing") for name in needed if not form.get(name)}


def resident_body(form: dict[str, str], household_id: str | None) -> dict[str, Any]:
    """The registry's ResidentIn; an empty choice is left out (the registry's default)."""
    body = {key: form.get(key) or None for key in ("name", "id_number", "phone", "relation_to_head",
                                                  "residence_type", "employment_status")}
    return {**{k: v for k, v in body.items() if v is not None}, "household_id": household_id}


def household_body(form: dict[str, str]) -> dict[str, Any]:
    return {"address": {key: form[key] for key in ADDRESS if form.get(key)}, "housing": form.get("housing") or None}


async def _household(api: Backend, household_id: str | None) -> dict | None:
    return (await api.get("registry", f"/v1/households/{household_id}")).body if household_id else None


async def _form_page(request: Request, api: Backend, user: User, values: dict[str, str], household: dict | None,
                     errors: dict[str, str] | None = None, problem: str | None = None,
                     status_code: int = 200) -> Response:
    picker = None if household else await community_picker(api, user, values.get("community") or None)
    return render(request, "residents/register.html", {
        "user": user, "values": values, "household": household, "picker": picker, "errors": errors or {},
        "problem": problem, "relations": _options("relation", RELATIONS, blank=False),
        "residence_types": _options("residence_type", RESIDENCE_TYPES), "housing": _options("housing", HOUSING),
        "employment": _options("employment_status", EMPLOYMENT)}, status_code=status_code)


@router.get("/register")
async def register_form(request: Request, user: CurrentUser, api: BackendDep) -> Response:
    """`?household=<id>` (from a card's 登记同户居民) registers into that household; none, into a new one."""
    household = await _household(api, request.query_params.get("household"))
    values = {"community": request.query_params.get("community") or "",
              "relation_to_head": "other" if household else "head", "residence_type": "registered"}
    return await _form_page(request, api, user, values, household)


@router.post("/register")
async def register(request: Request, user: CurrentUser, api: BackendDep) -> Response:
    form = {key: str(value).strip() for key, value in (await request.form()).items() if key != "csrf"}
    household = await _household(api, form.get("household_id"))
    if missing := missing_fields(form, household is None):
        return await _form_page(request, api, user, form, household, missing, problem_message(422, ""), 422)
    try:
        if household is None:
            community = (await community_picker(api, user, form.get("community") or None)).chosen
            household = (await api.post("registry", f"/v1/communities/{community}/households",
                                        json=household_body(form))).body
        resident = (await api.post("registry", f"/v1/communities/{household['community_code']}/residents",
                                   json=resident_body(form, household["id"]))).body
    except ApiProblem as exc:
        if exc.status not in (409, 422):
            raise
        return await _form_page(request, api, user, form, household, _beside_fields(exc), exc.message, exc.status)
    return RedirectResponse(f"/residents/{resident['id']}?saved=registered", status_code=303)


def _beside_fields(exc: ApiProblem) -> dict[str, str]:
    """Each refusal beside its field: `address.estate` is the estate field; a duplicate is the ID number's."""
    if exc.code == "resident.duplicate":
        return {"id_number": t("register.duplicate")}
    return {name.removeprefix("address."): message for name, message in exc.field_errors.items()}
