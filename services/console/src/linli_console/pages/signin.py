"""Sign-in and sign-out. Development: pick a staff member, get a development token as `linli-dev token` mints
one. Production: the district's sign-on proxy sends the bearer token; this page only says so."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from linli_shared.auth import PII_READ, issue_token

from linli_console.backend import ApiProblem, Backend
from linli_console.session import session_of
from linli_console.strings import t
from linli_console.templating import render

router = APIRouter()
DEV_TOKEN_HOURS = 12
STAFF_ROLES = {"worker", "admin", "officer"}


def dev_token(secret: str, sub: str, role: str, org_code: str, pii: bool) -> str:
    """What `linli-dev token --scope <org> --roles <role> [--pii]` prints, for this staff member."""
    return issue_token(secret, sub, [role], [org_code], [PII_READ] if pii else [], ttl_seconds=DEV_TOKEN_HOURS * 3600)


async def _staff(request: Request) -> list[dict]:
    """Every staff member under the dev sign-in's org, read from the registry with a short-lived dev token."""
    settings = request.app.state.settings
    secret = settings.jwt_secret.get_secret_value()
    reader = Backend(request.app.state.http, settings.service_urls(),
                     issue_token(secret, "console-dev-signin", ["admin"], [settings.dev_signin_org], ttl_seconds=60))
    members: list[dict] = []
    cursor = None
    while True:
        params = {"limit": 500, **({"cursor": cursor} if cursor else {})}
        page = (await reader.get("registry", f"/v1/orgs/{settings.dev_signin_org}/staff", params=params)).body
        members += [m for m in page["items"] if m["role"] in STAFF_ROLES]
        cursor = page.get("next_cursor")
        if not cursor:
            return members


@router.get("/signin")
async def signin_page(request: Request) -> Response:
    if not request.app.state.settings.dev_signin:
        return render(request, "signin/sso.html")
    try:
        staff, problem = await _staff(request), None
    except ApiProblem as exc:
        staff, problem = [], exc.message
    return render(request, "signin/dev.html", {"staff": staff, "problem": problem})


@router.post("/signin")
async def signin(request: Request) -> Response:
    settings = request.app.state.settings
    if not settings.dev_signin:
        return render(request, "signin/sso.html", status_code=404)
    form = await request.form()
    chosen = next((m for m in await _staff(request) if m["id"] == form.get("staff_id")), None)
    if chosen is None:
        return render(request, "signin/dev.html", {"staff": await _staff(request),
                                                   "errors": {"staff_id": t("signin.staff_missing")}}, status_code=422)
    token = dev_token(settings.jwt_secret.get_secret_value(), chosen["id"], chosen["role"], chosen["org_code"],
                      pii=form.get("pii") == "on")
    session_of(request).sign_in(token, chosen["name"])
    return RedirectResponse("/", status_code=303)


@router.post("/signout")
async def signout(request: Request) -> Response:
    session_of(request).sign_out()
    return RedirectResponse("/signin", status_code=303)
