"""Inputs an attacker or a careless client sends every list and org route, and what each must answer."""
from __future__ import annotations

import base64
import json

import httpx

# Passes a prefix scope check for 130303001 and, in an unescaped `^…` regex, matches every org.
ORG_CODE_ATTACK = "130303001|.*"
CURSORS = {
    "garbled": "%%not-base64%%",
    "forged object": base64.urlsafe_b64encode(json.dumps({"$ne": None}).encode()).decode(),
    "forged list": base64.urlsafe_b64encode(json.dumps([1, 2]).encode()).decode(),
}
UNICODE_LIMITS = ("５", "٣")  # full-width and Arabic-Indic digits


async def hostile_paging_answers(client: httpx.AsyncClient, routes: list[tuple[str, dict]]) -> list[str]:
    """Every way `routes` (path, params) mishandle a bad cursor (not 400) or a Unicode-digit limit (not 422)."""
    wrong = []
    for path, params in routes:
        for name, cursor in CURSORS.items():
            response = await client.get(path, params={**params, "cursor": cursor})
            if (response.status_code, _code(response)) != (400, "cursor.invalid"):
                wrong.append(f"{path} {name} cursor: {response.status_code} {response.text[:200]}")
        for limit in UNICODE_LIMITS:
            response = await client.get(path, params={**params, "limit": limit})
            if response.status_code != 422:
                wrong.append(f"{path} limit={limit}: {response.status_code} {response.text[:200]}")
    return wrong


async def org_code_attack_answers(client: httpx.AsyncClient, requests: list[tuple[str, str, dict]]) -> list[str]:
    """Every (method, path, params) request carrying ORG_CODE_ATTACK that is not a 422 `org.code.invalid`."""
    wrong = []
    for method, path, params in requests:
        response = await client.request(method, path, params=params, json={} if method != "GET" else None)
        if (response.status_code, _code(response)) != (422, "org.code.invalid"):
            wrong.append(f"{method} {path} {params}: {response.status_code} {response.text[:200]}")
    return wrong


def _code(response: httpx.Response) -> str | None:
    try:
        return response.json().get("code")
    except ValueError:
        return None
