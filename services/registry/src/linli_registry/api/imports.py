"""Ledger import routes: upload (multipart `file`, or the raw CSV/XLSX as the body), then follow the job."""
from __future__ import annotations

import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel

from linli_shared.auth import CurrentPrincipal
from linli_shared.body_limit import allow_body
from linli_shared.errors import Problem
from linli_shared.orgs import OrgCode

from linli_registry.api.deps import ContextDep
from linli_registry.service_layer import imports
from linli_registry.storage.imports import Import, StoredRowError

router = APIRouter(prefix="/v1", tags=["imports"])


class RowProblem(BaseModel):
    row: int
    column: str | None
    code: str
    message: str


class ColumnUnderstood(BaseModel):
    header: str  # as written in the file
    column: str  # the contract's name


class ImportOut(BaseModel):
    import_id: str
    community_code: str
    status: Literal["running", "done", "failed"]
    phase: str | None = None
    file_name: str
    format: str
    encoding: str | None
    columns: list[ColumnUnderstood]
    ignored_columns: list[str]
    rows_total: int | None
    rows_done: int
    rows_ok: int
    rows_failed: int
    residents_created: int = 0
    residents_updated: int = 0
    residents_unchanged: int = 0
    households_created: int = 0
    households_updated: int = 0
    errors: list[RowProblem] = []
    warnings: list[RowProblem] = []
    failure: dict | None = None
    created_by: str
    created_at: datetime
    finished_at: datetime | None = None


def _problems(errors: list[StoredRowError]) -> list[RowProblem]:
    return [RowProblem(**e.model_dump()) for e in errors]


def _out(job: Import, errors: list[StoredRowError] = (), warnings: list[StoredRowError] = ()) -> ImportOut:
    return ImportOut(import_id=job.id, **job.model_dump(include=set(ImportOut.model_fields)),
                     errors=_problems(errors), warnings=_problems(warnings))


def _too_large(limit: int) -> Problem:
    return Problem(413, "import.file.too_large", f"文件超过 {limit // (1 << 20)} MB，请分批导入 (file too large)")


FORM_HEADROOM = 1 << 16  # the multipart envelope around the file: boundaries, part headers


async def _receive(request: Request, path: Path, limit: int) -> str:
    """Write the upload to `path` without holding it in memory; returns the file's name.

    Bytes are counted as they arrive (`allow_body`), not taken from Content-Length: a chunked
    upload has none. Past the limit the request is refused mid-stream and `path`'s folder removed.
    """
    allow_body(request, limit + FORM_HEADROOM, _too_large(limit))
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        async with request.form(max_files=1, max_fields=10) as form:  # closing it drops the spooled part
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise Problem(422, "import.file.missing",
                              "请在表单字段 file 中上传台账文件 (form field `file` is missing)")
            with path.open("wb") as out:
                shutil.copyfileobj(upload.file, out, 1 << 20)
            name = upload.filename or "ledger"
    else:
        with path.open("wb") as out:
            async for block in request.stream():
                out.write(block)
                if out.tell() > limit:
                    raise _too_large(limit)
        name = request.headers.get("x-file-name") or "ledger"
    if path.stat().st_size > limit:
        raise _too_large(limit)
    return name


@router.post("/communities/{code}/imports", response_model=ImportOut, status_code=202,
             openapi_extra={"requestBody": {"content": {
                 "multipart/form-data": {"schema": {"type": "object", "properties": {
                     "file": {"type": "string", "format": "binary"}}, "required": ["file"]}},
                 "text/csv": {"schema": {"type": "string", "format": "binary"}},
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                     "schema": {"type": "string", "format": "binary"}}}}})
async def post_import(code: OrgCode, request: Request, ctx: ContextDep, principal: CurrentPrincipal,
                      response: Response) -> ImportOut:
    await imports.may_import(ctx, principal, code)  # before a byte of the body is read or written anywhere
    runner: imports.ImportRunner = request.app.state.import_runner
    limit = request.app.state.import_max_bytes
    with tempfile.TemporaryDirectory(prefix="linli-upload-") as tmp:
        path = Path(tmp) / "upload"
        name = await _receive(request, path, limit)
        job = await imports.accept_import(ctx, principal, code, path, name, runner)
    response.headers["Location"] = f"/v1/imports/{job.id}"
    return _out(job)


@router.get("/communities/{code}/imports", response_model=list[ImportOut])
async def list_imports(code: OrgCode, ctx: ContextDep, principal: CurrentPrincipal,
                       limit: Annotated[int, Query(ge=1, le=200)] = 20) -> list[ImportOut]:
    """The community's latest imports, newest first (counts only: errors are on each import)."""
    return [_out(job) for job in await imports.recent_imports(ctx, principal, code, limit)]


@router.get("/imports/{import_id}", response_model=ImportOut)
async def get_import(import_id: str, ctx: ContextDep, principal: CurrentPrincipal) -> ImportOut:
    """Progress and the first 1,000 row errors and warnings; all of them under /errors."""
    report = await imports.load_import(ctx, principal, import_id)
    return _out(report.job, report.errors, report.warnings)


@router.get("/imports/{import_id}/errors", response_model=list[RowProblem])
async def get_import_errors(import_id: str, ctx: ContextDep, principal: CurrentPrincipal,
                            kind: Literal["error", "warning"] = "error",
                            offset: Annotated[int, Query(ge=0)] = 0,
                            limit: Annotated[int, Query(ge=1, le=5000)] = 1000) -> list[RowProblem]:
    return _problems(await imports.import_errors(ctx, principal, import_id, kind, offset, limit))
