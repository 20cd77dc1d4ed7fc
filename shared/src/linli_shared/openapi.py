"""What every service's OpenAPI says beyond FastAPI's defaults: bearer auth (from `current_principal`), the
problems each route can answer (from what it depends on), clean operation ids and a required If-Match."""
from __future__ import annotations

from typing import Any, Callable, Sequence

from fastapi import APIRouter, FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from linli_shared.auth import current_principal
from linli_shared.errors import ProblemDetails, problem_responses
from linli_shared.etag import expected_version, required_version

OPERATIONS_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})  # probes and scrapers: no token, no problems
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def operation_id(route: APIRoute) -> str:
    """The endpoint's function name (`list_letters`), unique within a service, for generated clients."""
    return route.name


def download_responses(description: str, media_type: str = XLSX) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route that answers with a file (an XLSX), so clients know what 200 carries."""
    return {200: {"description": description,
                  "content": {media_type: {"schema": {"type": "string", "format": "binary"}}}}}


def error_statuses(route: APIRoute) -> set[int]:
    """Every error status a route can answer, read off what it depends on (auth, If-Match, path, body)."""
    calls = dependency_calls(route.dependant)
    statuses = {500, 503}  # an unexpected error; the database unreachable
    if current_principal in calls:
        statuses |= {401, 403, 422}  # no or bad token; role or scope; a domain rule (`invalid`)
    if route.dependant.path_params:
        statuses.add(404)
    if route.body_field is not None:
        statuses |= {413, 422}
    if route.methods & {"POST", "PUT", "PATCH", "DELETE"}:
        statuses.add(409)  # a duplicate, a lost race or a state that forbids the change
    if required_version in calls:
        statuses |= {400, 412, 428}
    if expected_version in calls:
        statuses |= {400, 412}
    if any(param.name == "cursor" for param in route.dependant.query_params):
        statuses.add(400)  # a cursor this API did not hand out
    return statuses


def dependency_calls(dependant: Dependant) -> set[Callable[..., Any]]:
    return {dependant.call, *(call for sub in dependant.dependencies for call in dependency_calls(sub))}


def document_api(app: FastAPI, routers: Sequence[APIRouter]) -> None:
    """Call before the routers are included: each route's problems go into its `responses`."""
    routes = [route for router in routers for route in router.routes if isinstance(route, APIRoute)]
    for route in routes:
        if route.include_in_schema and route.path not in OPERATIONS_PATHS:
            route.responses = {**problem_responses(error_statuses(route)), **route.responses}
    app.openapi = _with_problems_and_preconditions(app, app.openapi, routes)


def _with_problems_and_preconditions(app: FastAPI, generate: Callable[[], dict[str, Any]], routes: list[APIRoute]
                                     ) -> Callable[[], dict[str, Any]]:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            problem = ProblemDetails.model_json_schema(ref_template="#/components/schemas/{model}")
            schemas = schema.setdefault("components", {}).setdefault("schemas", {})
            schemas.update({**problem.pop("$defs", {}), "ProblemDetails": problem})
            _require_if_match(routes, schema)
        return app.openapi_schema
    return openapi


def _require_if_match(routes: list[APIRoute], schema: dict[str, Any]) -> None:
    """`required_version` takes If-Match as optional only so a missing one is our 428; the contract says required."""
    for route in routes:
        if required_version in dependency_calls(route.dependant):
            for method in route.methods:
                for param in schema["paths"][route.path_format][method.lower()].get("parameters", []):
                    if param["in"] == "header" and param["name"].lower() == "if-match":
                        param["required"] = True
