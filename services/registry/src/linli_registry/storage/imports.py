"""Import jobs, their row errors, and the uploaded ledger while a job runs.

The uploaded file holds raw ID numbers: it is kept only encrypted (chunk by chunk, each chunk bound
to its job and position) and deleted as soon as the job ends.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from pymongo import ReturnDocument

from linli_shared.privacy import PiiVault

from linli_registry.domain.ledger import RowError

IMPORTS, IMPORT_ERRORS, IMPORT_FILES, HOUSEHOLD_REFS = "imports", "import_errors", "import_files", "household_refs"
CHUNK_BYTES = 1 << 20


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


async def claim(db: Any, owner: str, lease_seconds: float) -> dict[str, Any] | None:
    """The oldest running job nobody holds (never started, or its worker died): taken under a lease."""
    now = datetime.now(UTC)
    return await db[IMPORTS].find_one_and_update(
        {"status": "running", "lease_until": {"$lt": now}},
        {"$set": {"lease_owner": owner, "lease_until": now + timedelta(seconds=lease_seconds)},
         "$inc": {"attempts": 1}},
        sort=[("created_at", 1)], return_document=ReturnDocument.AFTER)


async def progress(db: Any, import_id: str, owner: str, lease_seconds: float, **fields: Any) -> None:
    """Report progress and renew the lease in one write; only while this worker still holds the job."""
    now = datetime.now(UTC)
    await db[IMPORTS].update_one({"_id": import_id, "lease_owner": owner},
                                 {"$set": {**fields, "lease_until": now + timedelta(seconds=lease_seconds),
                                           "updated_at": now}})


async def add_errors(db: Any, import_id: str, errors: list[RowError], kind: str = "error") -> None:
    if errors:
        await db[IMPORT_ERRORS].insert_many([{"import_id": import_id, "kind": kind, "row": e.row,
                                              "column": e.column, "code": e.code, "message": e.message}
                                             for e in errors])


async def clear_errors(db: Any, import_id: str) -> None:
    await db[IMPORT_ERRORS].delete_many({"import_id": import_id})


async def errors_of(db: Any, import_id: str, kind: str, skip: int, limit: int) -> list[dict[str, Any]]:
    return await db[IMPORT_ERRORS].find({"import_id": import_id, "kind": kind}, {"_id": 0, "import_id": 0,
                                                                                  "kind": 0}) \
        .sort([("row", 1), ("_id", 1)]).skip(skip).limit(limit).to_list()
