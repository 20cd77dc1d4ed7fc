"""Ledger imports: accept a file (checked enough to refuse a non-ledger at once), run it in the background.

An accepted import is a job in the store, not a task in memory: if the process dies, another
instance (or this one, restarted) claims it once its lease runs out and runs it again.
"""
from __future__ import annotations

import asyncio
import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from linli_shared.auth import Access, Principal
from linli_shared.errors import Problem
from linli_shared.logging import get_logger
from linli_shared.tracing import bind_trace, current_traceparent
from linli_shared.waiting import Doorbell

from linli_registry.domain.audit import new_entry
from linli_registry.domain.ledger import LedgerFileError, masked_anew
from linli_registry.files.reader import Ledger, open_ledger
from linli_registry.service_layer.context import RegistryContext, existing_community
from linli_registry.service_layer.import_job import ImportJob
from linli_registry.storage import audit as trail
from linli_registry.storage import imports as store
from linli_registry.storage.imports import ColumnRead, ErrorKind, Import, StoredRowError

log = get_logger()
# Not a spreadsheet at all is "unsupported media"; a spreadsheet we cannot use is "unprocessable".
_UNSUPPORTED = {"import.file.not_a_spreadsheet", "import.file.xls_unsupported"}
_TOO_LARGE = {"import.file.too_large_uncompressed"}  # 413, as the upload over LINLI_REGISTRY_IMPORT_MAX_BYTES
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ERRORS_INLINE = 1000


def _checked(path: Path) -> Ledger:
    try:
        ledger = open_ledger(path)
    except LedgerFileError as exc:
        status = 415 if exc.code in _UNSUPPORTED else 413 if exc.code in _TOO_LARGE else 422
        raise Problem(status, exc.code, exc.message) from exc
    if next(iter(ledger.rows()), None) is None:
        raise Problem(422, "import.file.no_rows", "表头下没有任何数据行 (the ledger has a header but no rows)")
    return ledger


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


async def may_import(ctx: RegistryContext, principal: Principal, community: str) -> None:
    """Role, scope and community checked before the upload is read: a refused caller costs no disk."""
    principal.authorize(community, Access.WRITE)
    await existing_community(ctx.db, community)


@dataclass(frozen=True)
class ImportReport:
    """A job with its first row errors and warnings (all of them page through `import_errors`)."""

    job: Import
    errors: list[StoredRowError]
    warnings: list[StoredRowError]


async def accept_import(ctx: RegistryContext, principal: Principal, community: str, path: Path, file_name: str,
                        runner: ImportRunner) -> Import:
    principal.authorize(community, Access.WRITE)
    ledger = await asyncio.to_thread(_checked, path)
    import_id, now = str(uuid.uuid4()), datetime.now(UTC)
    with path.open("rb") as source:
        await store.store_file(ctx.db, ctx.vault, import_id, source)
    job = Import(id=import_id, community_code=community, status="running", phase="queued", file_name=file_name,
                 file_bytes=path.stat().st_size, file_sha256=await asyncio.to_thread(_sha256, path),
                 format=ledger.format, encoding=ledger.encoding, header_row=ledger.header_row,
                 columns=[ColumnRead(header=h, column=k) for h, k in ledger.header.recognised.items()],
                 ignored_columns=list(ledger.header.ignored), rows_total=None, created_by=principal.sub,
                 created_at=now, updated_at=now, lease_owner=None, lease_until=EPOCH, attempts=0,
                 traceparent=current_traceparent())  # the job's events join the upload's trace
    await store.add(ctx.db, job)
    await trail.append(ctx.db, [new_entry(principal.sub, "import", community, detail={
        "import_id": import_id, "file_name": file_name, "file_sha256": job.file_sha256})])
    runner.new_jobs.ring()
    return job


async def load_import(ctx: RegistryContext, principal: Principal, import_id: str) -> ImportReport:
    job = await store.authorized(ctx.db, import_id, principal, Access.READ)
    return ImportReport(job, _shown(await store.errors_of(ctx.db, import_id, "error", 0, ERRORS_INLINE)),
                        _shown(await store.errors_of(ctx.db, import_id, "warning", 0, ERRORS_INLINE)))


async def recent_imports(ctx: RegistryContext, principal: Principal, community: str, limit: int) -> list[Import]:
    principal.authorize(community, Access.READ)
    await existing_community(ctx.db, community)
    return await store.latest(ctx.db, community, limit)


async def import_errors(ctx: RegistryContext, principal: Principal, import_id: str, kind: ErrorKind, offset: int,
                        limit: int) -> list[StoredRowError]:
    await store.authorized(ctx.db, import_id, principal, Access.READ)
    return _shown(await store.errors_of(ctx.db, import_id, kind, offset, limit))


def _shown(errors: list[StoredRowError]) -> list[StoredRowError]:
    return [e.model_copy(update={"message": masked_anew(e.message)}) for e in errors]


class ImportRunner:
    """The background worker: claims one job at a time (imports are heavy) and runs it."""

    def __init__(self, ctx: RegistryContext, owner: str, *, batch_rows: int, lease_seconds: float, poll_seconds: float,
                 max_attempts: int = 3) -> None:
        self.ctx, self.owner = ctx, owner
        self.batch_rows, self.lease_seconds, self.poll_seconds = batch_rows, lease_seconds, poll_seconds
        self.max_attempts = max_attempts
        self.new_jobs = Doorbell()  # rung when a file is accepted, so it starts now, not at the next poll

    async def loop(self) -> None:
        while True:
            try:
                while job := await store.claim(self.ctx.db, self.owner, self.lease_seconds):
                    await self._run(job)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the store is away: try again at the next poll
                log.error("import.claim_failed", error=str(exc), error_type=type(exc).__name__)
            await self.new_jobs.wait(self.poll_seconds)

    async def _run(self, job: Import) -> None:
        if job.attempts > self.max_attempts:
            await store.progress(self.ctx.db, job.id, self.owner, 0, status="failed", failure={
                "code": "import.job.crashed", "message": f"导入在{self.max_attempts}次尝试中均中断，请联系运维 "
                                                         f"(the import stopped {self.max_attempts} times)"})
            await store.delete_file(self.ctx.db, job.id)
            return
        bind_trace(job.traceparent)
        log.info("import.started", import_id=job.id, community=job.community_code, attempt=job.attempts)
        try:
            await ImportJob(self.ctx, job, self.owner, self.batch_rows, self.lease_seconds).run()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # left to its lease: claimed again, up to max_attempts
            log.error("import.crashed", import_id=job.id, error=str(exc), error_type=type(exc).__name__,
                      exc_info=exc)
