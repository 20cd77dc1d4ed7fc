"""Every route of every service's OpenAPI says how to authenticate, which problems it answers (as
application/problem+json), a clean unique operation id, its file content type and a required If-Match."""
from __future__ import annotations

import re
from collections import Counter

import httpx
import pytest
from fastapi import FastAPI

from linli_shared.errors import PROBLEM_JSON

from linli_employment.bootstrap import create_app as employment_app
from linli_notify.bootstrap import create_app as notify_app
from linli_registry.bootstrap import create_app as registry_app
from linli_reports.bootstrap import create_app as reports_app
from linli_visits.bootstrap import create_app as visits_app

APPS = {"registry": registry_app, "visits": visits_app, "employment": employment_app, "notify": notify_app,
        "reports": reports_app}
OPEN = {"/healthz", "/readyz", "/metrics"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WRITES = {"post", "put", "patch", "delete"}
OPTIONAL_IF_MATCH = {"save_template"}  # a save that may create: If-Match only guards an overwrite
PROBLEM_REF = {"$ref": "#/components/schemas/ProblemDetails"}


@pytest.fixture(scope="module", params=sorted(APPS))
def service(request) -> tuple[str, FastAPI]:
    return request.param, APPS[request.param]()


def _operations(app: FastAPI):
    for path, item in app.openapi()["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def _if_match(operation: dict) -> dict | None:
    return next((p for p in operation.get("parameters", []) if p["in"] == "header"
                 and p["name"].lower() == "if-match"), None)


def _expected_problems(path: str, method: str, operation: dict) -> set[int]:
    expected = {401, 403, 422, 500, 503}
    if "{" in path:
        expected.add(404)
    if method in WRITES:
        expected.add(409)
    if header := _if_match(operation):
        expected |= {412, 428} if header["required"] else {412}
    return expected


def test_every_route_but_the_probes_takes_a_bearer_token(service):
    name, app = service
    schemes = app.openapi()["components"]["securitySchemes"]
    assert schemes["HTTPBearer"] == {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                                     "description": schemes["HTTPBearer"]["description"]}
    for path, method, operation in _operations(app):
        assert (operation.get("security") == [{"HTTPBearer": []}]) == (path not in OPEN), f"{name} {method} {path}"


def test_every_route_documents_each_problem_it_may_answer_as_problem_json(service):
    name, app = service
    schemas = app.openapi()["components"]["schemas"]
    assert "ProblemDetails" in schemas and "HTTPValidationError" not in schemas, "one error shape: problem+json"
    for path, method, operation in _operations(app):
        if path in OPEN:
            continue
        documented = {int(status): response for status, response in operation["responses"].items()}
        missing = _expected_problems(path, method, operation) - set(documented)
        assert not missing, f"{name} {method.upper()} {path} does not document {sorted(missing)}"
        for status, response in documented.items():
            if status >= 400:
                assert response["content"] == {PROBLEM_JSON: {"schema": PROBLEM_REF}}, f"{name} {path} {status}"


def test_operation_ids_are_the_endpoint_names_and_unique_per_service(service):
    name, app = service
    ids = [operation["operationId"] for _, _, operation in _operations(app)]
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", i) and "_v1_" not in i for i in ids), ids
    assert not [i for i, n in Counter(ids).items() if n > 1], f"{name}: duplicate operation ids"


def test_file_downloads_declare_their_content_type(service):
    name, app = service
    downloads = [(path, op) for path, _, op in _operations(app) if path.endswith(".xlsx")]
    assert downloads or name not in {"registry", "reports"}
    for path, operation in downloads:
        assert set(operation["responses"]["200"]["content"]) == {XLSX}, f"{name} {path}"


def test_if_match_is_required_wherever_a_route_reads_it(service):
    name, app = service
    for path, method, operation in _operations(app):
        if header := _if_match(operation):
            required = operation["operationId"] not in OPTIONAL_IF_MATCH
            assert header["required"] is required, f"{name} {method.upper()} {path}"


async def _call(app: FastAPI, method: str, path: str, **kwargs) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)  # no lifespan: these answers come before any store or bus
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.request(method, path, **kwargs)


@pytest.mark.parametrize("authorization", [None, "Basic c3RhZmY6cHc=", "Bearer "])
async def test_a_missing_bearer_token_is_still_our_401_problem(authorization: str | None):
    headers = {"Authorization": authorization} if authorization else {}
    response = await _call(registry_app(), "GET", "/v1/orgs/130303/staff", headers=headers)
    assert response.status_code == 401 and response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["code"] == "auth.missing" and response.headers["www-authenticate"] == "Bearer"


async def test_an_update_without_if_match_is_a_428_problem_though_fastapi_reads_the_header_as_optional(make_token):
    response = await _call(employment_app(), "PATCH", "/v1/jobs/job-1", json={},
                           headers={"Authorization": f"Bearer {make_token()}"})
    assert response.status_code == 428 and response.json()["code"] == "precondition.required"
