"""RFC 9457 problem responses with a stable, dotted `code` for every failure."""
from __future__ import annotations

from typing import Any, Iterable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from pymongo.errors import ConnectionFailure
from starlette.exceptions import HTTPException as StarletteHTTPException

from linli_shared.logging import get_logger

PROBLEM_JSON = "application/problem+json"
_TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
           405: "Method Not Allowed", 409: "Conflict", 412: "Precondition Failed",
           413: "Content Too Large", 415: "Unsupported Media Type", 422: "Unprocessable Content",
           428: "Precondition Required", 429: "Too Many Requests", 500: "Internal Server Error",
           503: "Service Unavailable"}

log = get_logger()


class FieldError(BaseModel):
    loc: list[str | int]
    code: str
    message: str


class ProblemDetails(BaseModel):
    """The `application/problem+json` body of every error (RFC 9457), as `Problem.body()` writes it."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[FieldError] | None = None


def problem_responses(statuses: Iterable[int]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries: each status answered with a ProblemDetails as application/problem+json."""
    ref = {"$ref": "#/components/schemas/ProblemDetails"}
    return {status: {"description": _TITLES[status], "content": {PROBLEM_JSON: {"schema": ref}}}
            for status in sorted(statuses)}


class Problem(Exception):
    """Raise anywhere below a route; it becomes an `application/problem+json` response."""

    def __init__(self, status: int, code: str, detail: str, errors: list[dict[str, Any]] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail
        self.errors = errors or []
        self.headers = headers

    def body(self) -> dict[str, Any]:
        body = ProblemDetails(type=f"https://linli.example/problems/{self.code}",
                              title=_TITLES.get(self.status, "Error"), status=self.status, detail=self.detail,
                              code=self.code, errors=self.errors or None)
        return body.model_dump(exclude_none=True)


def not_found(code: str, detail: str) -> Problem:
    return Problem(404, code, detail)


def conflict(code: str, detail: str) -> Problem:
    return Problem(409, code, detail)


def forbidden(detail: str, code: str = "auth.forbidden") -> Problem:
    return Problem(403, code, detail)


def invalid(code: str, detail: str, loc: list[str | int] | None = None) -> Problem:
    """A 422 for a domain rule, shaped like a validation failure so clients handle one form."""
    return Problem(422, code, detail, errors=[{"loc": loc or [], "code": code, "message": detail}])


def problem_response(problem: Problem) -> JSONResponse:
    return JSONResponse(problem.body(), status_code=problem.status, media_type=PROBLEM_JSON,
                        headers=problem.headers)


def _loc_part(part: str | int) -> str | int:
    # A dict key that failed is itself a part of the loc: never echo a caller's megabyte back.
    return part[:64] + "…" if isinstance(part, str) and len(part) > 64 else part


def _validation_problem(exc: RequestValidationError) -> Problem:
    errors = [{"loc": [_loc_part(p) for p in err.get("loc", ())], "code": err.get("type", "invalid"),
               "message": err.get("msg", "")} for err in exc.errors()]
    # A domain validator's own dotted code (e.g. `resident.id_number.checksum`) is the most specific answer.
    dotted = [e["code"] for e in errors if "." in e["code"]]
    code = dotted[0] if dotted else "request.invalid"
    detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['message']}" for e in errors)
    return Problem(422, code, detail, errors=errors)


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(_: Request, exc: Problem) -> JSONResponse:
        return problem_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return problem_response(_validation_problem(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "route.not_found", 405: "route.method_not_allowed"}.get(exc.status_code, "http.error")
        return problem_response(Problem(exc.status_code, code, str(exc.detail), headers=exc.headers))

    @app.exception_handler(ConnectionFailure)
    async def _store_down(_: Request, exc: ConnectionFailure) -> JSONResponse:
        log.warning("http.store_unavailable", error=str(exc))
        return problem_response(Problem(503, "store.unavailable", "the database is unreachable; nothing was changed, "
                                        "retry shortly", headers={"Retry-After": "5"}))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("http.unhandled_error", error_type=type(exc).__name__)
        return problem_response(Problem(500, "internal.error", "An unexpected error occurred; it has been logged."))
