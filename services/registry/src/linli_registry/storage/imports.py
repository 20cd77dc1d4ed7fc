"""Import jobs, their row errors, and the uploaded ledger while a job runs.

The uploaded file holds raw ID numbers: it is kept only encrypted (chunk by chunk, each chunk bound
to its job and position) and deleted as soon as the job ends.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO, Literal

from pydantic import BaseModel, ConfigDict, Field
from pymongo import ReturnDocument

from linli_shared.auth import Access, Principal
from linli_shared.mongo import find_authorized
from linli_shared.outbox import Tx
from linli_shared.privacy import PiiVault
from linli_shared.store_shapes import find_in

from linli_registry.domain.ledger import RowError

IMPORTS, IMPORT_ERRORS, IMPORT_FILES, HOUSEHOLD_REFS = "imports", "import_errors", "import_files", "household_refs"
CHUNK_BYTES = 1 << 20
ErrorKind = Literal["error", "warning"]


class ColumnRead(BaseModel):
    header: str  # as written in the file
    column: str  # the contract's name


class Import(BaseModel):
    """An import job: the file it was given, how far it has got, and who holds it (the lease)."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    id: str = Field(alias="_id")
    community_code: str
    status: Literal["running", "done", "failed"]
    phase: str | None = None
    file_name: str
    file_bytes: int
    file_sha256: str
    format: str
    encoding: str | None
    header_row: int
    columns: list[ColumnRead]
    ignored_columns: list[str]
    rows_total: int | None = None
    rows_done: int = 0
    rows_ok: int = 0
    rows_failed: int = 0
    residents_created: int = 0
    residents_updated: int = 0
    residents_unchanged: int = 0
    households_created: int = 0
    households_updated: int = 0
    failure: dict[str, str] | None = None
    created_by: str
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None = None
    lease_owner: str | None = None
    lease_until: datetime
    attempts: int = 0
    traceparent: str | None = None  # the job's events join the upload's trace


_WRITTEN_LATER = frozenset({"residents_created", "residents_updated", "residents_unchanged", "households_created",
                            "households_updated", "failure", "finished_at"})  # by `progress`, as the job runs


class StoredRowError(BaseModel):
    row: int
    column: str | None
    code: str
    message: str


class HouseholdRef(BaseModel):
    """A ledger's own household number (户编号, or the address when it has none) → our household id."""

    model_config = ConfigDict(populate_by_name=True)

    key: str = Field(alias="_id")  # "<community>:<ledger key>"
    household_id: str


def ref_key(community: str, ledger_key: str) -> str:
    return f"{community}:{ledger_key}"


async def household_refs(tx: Tx, community: str, ledger_keys: list[str]) -> dict[str, str]:
    """The households a community's ledger keys already name: ledger key → household id."""
    docs = await find_in(tx.db[HOUSEHOLD_REFS], "_id", [ref_key(community, k) for k in ledger_keys],
                         session=tx.session)
    refs = [HouseholdRef.model_validate(d) for d in docs]
    return {ref.key.split(":", 1)[1]: ref.household_id for ref in refs}


async def add_household_refs(tx: Tx, refs: list[HouseholdRef]) -> None:
    if refs:
        await tx.db[HOUSEHOLD_REFS].insert_many([r.model_dump(by_alias=True) for r in refs], session=tx.session)


async def add(db: Any, job: Import) -> None:
    await db[IMPORTS].insert_one(job.model_dump(by_alias=True, exclude=_WRITTEN_LATER))


async def authorized(db: Any, import_id: str, principal: Principal, access: Access) -> Import:
    """The job, 404 if there is none, 403 unless the principal may `access` its community."""
    return Import.model_validate(await find_authorized(db[IMPORTS], import_id, principal, access, "import",
                                                       "import.not_found"))


async def latest(db: Any, community: str, limit: int) -> list[Import]:
    docs = await db[IMPORTS].find({"community_code": community}).sort("created_at", -1).limit(limit).to_list()
    return [Import.model_validate(d) for d in docs]


async def store_file(db: Any, vault: PiiVault, import_id: str, source: BinaryIO) -> int:
    """Copy the upload into the store, encrypted; returns the number of chunks."""
    n = 0
    while chunk := source.read(CHUNK_BYTES):
        await db[IMPORT_FILES].insert_one({"_id": f"{import_id}:{n:06d}", "import_id": import_id,
                                           "data": vault.encrypt_bytes(chunk, f"{import_id}:{n}".encode())})
        n += 1
    return n


async def fetch_file(db: Any, vault: PiiVault, import_id: str, target: Path) -> None:
    with target.open("wb") as out:
        cursor = db[IMPORT_FILES].find({"import_id": import_id}).sort("_id", 1)
        async for n, chunk in _enumerate(cursor):
            out.write(vault.decrypt_bytes(chunk["data"], f"{import_id}:{n}".encode()))


async def _enumerate(cursor: Any):
    n = 0
    async for item in cursor:
        yield n, item
        n += 1


async def delete_file(db: Any, import_id: str) -> None:
    await db[IMPORT_FILES].delete_many({"import_id": import_id})


async def claim(db: Any, owner: str, lease_seconds: float) -> Import | None:
    """The oldest running job nobody holds (never started, or its worker died): taken under a lease."""
    now = datetime.now(UTC)
    doc = await db[IMPORTS].find_one_and_update(
        {"status": "running", "lease_until": {"$lt": now}},
        {"$set": {"lease_owner": owner, "lease_until": now + timedelta(seconds=lease_seconds)},
         "$inc": {"attempts": 1}},
        sort=[("created_at", 1)], return_document=ReturnDocument.AFTER)
    return None if doc is None else Import.model_validate(doc)


async def progress(db: Any, import_id: str, owner: str, lease_seconds: float, **fields: Any) -> None:
    """Report progress and renew the lease in one write; only while this worker still holds the job."""
    now = datetime.now(UTC)
    await db[IMPORTS].update_one({"_id": import_id, "lease_owner": owner},
                                 {"$set": {**fields, "lease_until": now + timedelta(seconds=lease_seconds),
                                           "updated_at": now}})


async def add_errors(db: Any, import_id: str, errors: list[RowError], kind: ErrorKind = "error") -> None:
    if errors:
        await db[IMPORT_ERRORS].insert_many([{"import_id": import_id, "kind": kind, "row": e.row,
                                              "column": e.column, "code": e.code, "message": e.message}
                                             for e in errors])


async def clear_errors(db: Any, import_id: str) -> None:
    await db[IMPORT_ERRORS].delete_many({"import_id": import_id})


async def errors_of(db: Any, import_id: str, kind: ErrorKind, skip: int, limit: int) -> list[StoredRowError]:
    docs = await db[IMPORT_ERRORS].find({"import_id": import_id, "kind": kind}, {"_id": 0, "import_id": 0,
                                                                                  "kind": 0}) \
        .sort([("row", 1), ("_id", 1)]).skip(skip).limit(limit).to_list()
    return [StoredRowError.model_validate(d) for d in docs]
