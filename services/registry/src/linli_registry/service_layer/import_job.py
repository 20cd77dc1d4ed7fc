"""Running one import: two streaming passes over the ledger, households written whole, in batches.

Pass 1 only validates and counts: which rows are bad, how many rows each household has, which ID
numbers repeat. Pass 2 reads the file again and hands each household on as soon as its last row
has been seen, so memory holds the households still open, not the file. A job that dies midway is
simply run again from the start by whoever claims it next: rows already written are unchanged.
"""
from __future__ import annotations

import asyncio
import hashlib
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import islice
from pathlib import Path
from typing import Any

from linli_shared.logging import get_logger

from linli_registry.domain.ledger import LedgerFileError, LedgerRow, RowError, clean, parse_row
from linli_registry.domain.ledger_households import (
    ADDRESS,
    HouseholdPlan,
    household_key,
    household_skipped,
    household_warnings,
    plan_household,
)
from linli_registry.files.reader import Ledger, open_ledger
from linli_registry.service_layer.context import RegistryContext
from linli_registry.service_layer.import_apply import apply_plans
from linli_registry.service_layer.resident_filters import warm_groups
from linli_registry.storage import imports as store
from linli_registry.storage import orgs as org_store
from linli_registry.storage.imports import Import

log = get_logger()
CHUNK_ROWS = 500  # rows parsed per hop to a worker thread


@dataclass
class Scan:
    """What pass 1 learned; small: numbers per row or per household, never the rows themselves."""

    rows_total: int = 0
    members: Counter = field(default_factory=Counter)  # household key → number of rows
    bad_rows: set[int] = field(default_factory=set)
    failed: dict[str, int] = field(default_factory=dict)  # household key → its first bad row
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)


def _key(row_number: int, parsed: LedgerRow | None, fallback: str | None) -> str:
    key = household_key(parsed) if parsed else fallback
    return key or f"row:{row_number}"


def _raw_key(ledger: Ledger, cells: list) -> str | None:
    """A bad row's household, read from its raw cells, so the rest of its household is held back too."""
    by_key = {key: cells[i] for i, key in ledger.header.columns.items() if i < len(cells)}
    ref = clean(by_key.get("household_ref"))
    if ref:
        return f"ref:{ref}"
    parts = [clean(by_key.get(part)) or "" for part in ADDRESS]
    return "addr:" + "|".join(parts) if any(parts) else None


def scan(ledger: Ledger, today: date) -> Scan:
    result = Scan()
    first_with_id: dict[bytes, tuple[int, str]] = {}
    for number, cells in ledger.rows():
        result.rows_total += 1
        parsed = parse_row(ledger.header, number, cells, today)
        key = _key(number, parsed.row, _raw_key(ledger, cells))
        result.members[key] += 1
        result.warnings.extend(parsed.warnings)
        if parsed.errors:
            _fail(result, number, key, parsed.errors)
            continue
        digest = hashlib.blake2b(f"{parsed.row.id_type}:{parsed.row.id_number}".encode(), digest_size=8).digest()
        if digest in first_with_id:
            first, first_key = first_with_id[digest]
            _fail(result, number, key, [_duplicate(number, first)])
            if first not in result.bad_rows:
                _fail(result, first, first_key, [_duplicate(first, number)])
        else:
            first_with_id[digest] = (number, key)
    return result


def _duplicate(row: int, other: int) -> RowError:
    return RowError(row, "id_number", "import.id_number.duplicate",
                    f"与第{other}行身份证号相同，请核对后只保留一行 (same ID number as row {other})")


def _fail(result: Scan, row: int, key: str, errors: list[RowError]) -> None:
    result.bad_rows.add(row)
    result.errors.extend(errors)
    result.failed.setdefault(key, row)
    result.failed[key] = min(result.failed[key], row)


class ImportJob:
    """One claimed job, from the stored file to `done` (or `failed` for a file that cannot be read)."""

    def __init__(self, ctx: RegistryContext, job: Import, owner: str, batch_rows: int, lease_seconds: float):
        self.ctx, self.job, self.owner = ctx, job, owner
        self.batch_rows, self.lease_seconds = batch_rows, lease_seconds
        self.id, self.community = job.id, job.community_code
        self.counts: Counter = Counter()
        self.failed_rows: set[int] = set()
        self.rows_total = 0
        self.ledger: Ledger | None = None

    async def run(self) -> None:
        db = self.ctx.db
        await store.clear_errors(db, self.id)  # a rerun after a crash starts the report afresh
        with tempfile.TemporaryDirectory(prefix="linli-import-") as tmp:
            path = Path(tmp) / "ledger"
            await store.fetch_file(db, self.ctx.vault, self.id, path)
            try:
                ledger = await asyncio.to_thread(open_ledger, path)
                await self._passes(ledger)
            except LedgerFileError as exc:
                await self._finish("failed", failure={"code": exc.code, "message": exc.message})
                return
        # The import changed much of the community: its facts are read now, not by the first listing after it.
        await warm_groups(self.ctx, self.community)
        await self._finish("done")

    async def _passes(self, ledger: Ledger) -> None:
        self.ledger, today = ledger, self.ctx.today()
        result = await asyncio.to_thread(scan, ledger, today)
        self.rows_total, self.failed_rows = result.rows_total, set(result.bad_rows)
        await store.add_errors(self.ctx.db, self.id, result.errors)
        await store.add_errors(self.ctx.db, self.id, result.warnings, kind="warning")
        await self._progress(rows_total=result.rows_total, phase="writing")
        grids = await org_store.grids_of(self.ctx.db, self.community)
        rows = ledger.rows()
        open_households: dict[str, list[LedgerRow]] = {}
        batch: list[HouseholdPlan] = []
        batch_rows = 0  # kept as we go: summing the batch's rows at every row cost a batch's length a row
        while chunk := await asyncio.to_thread(lambda: list(islice(rows, CHUNK_ROWS))):
            for number, cells in chunk:
                self.counts["rows_done"] += 1
                plan = await self._take(result, number, cells, today, open_households, grids)
                if plan:
                    batch.append(plan)
                    batch_rows += len(plan.rows)
                if batch_rows >= self.batch_rows:
                    await self._write(batch)
                    batch, batch_rows = [], 0
        await self._write(batch)

    async def _take(self, result: Scan, number: int, cells: list, today: date,
                    open_households: dict[str, list[LedgerRow]], grids: frozenset[str]) -> HouseholdPlan | None:
        """Hold the row until its household is complete; then the household's plan, or None."""
        if number in result.bad_rows:
            return None
        parsed = parse_row(self.ledger.header, number, cells, today)
        key = _key(number, parsed.row, None)
        if key in result.failed:
            await self._errors([household_skipped(number, result.failed[key])])
            return None
        members = open_households.setdefault(key, [])
        members.append(parsed.row)
        if len(members) < result.members[key]:
            return None
        del open_households[key]
        if key.startswith("row:"):
            return HouseholdPlan(key=None, ref=None, rows=members)
        plan, errors = plan_household(key, members, self.community, grids)
        if errors:
            bad = {e.row for e in errors}
            await self._errors(errors + [household_skipped(r.row, min(bad)) for r in members if r.row not in bad])
            return None
        await store.add_errors(self.ctx.db, self.id, household_warnings(plan), kind="warning")
        return plan

    async def _write(self, batch: list[HouseholdPlan]) -> None:
        if not batch:
            return
        outcome = await apply_plans(self.ctx, self.community, self.job.created_by, self.id, batch)
        self.counts.update(outcome.counts)
        await self._errors(outcome.errors)
        await self._progress()

    async def _errors(self, errors: list[RowError]) -> None:
        self.failed_rows.update(e.row for e in errors)
        await store.add_errors(self.ctx.db, self.id, errors)

    async def _progress(self, **fields: Any) -> None:
        written = sum(self.counts[k] for k in ("residents_created", "residents_updated", "residents_unchanged"))
        fields = {"rows_ok": written, "rows_failed": len(self.failed_rows), **self.counts, **fields}
        await store.progress(self.ctx.db, self.id, self.owner, self.lease_seconds, **fields)

    async def _finish(self, status: str, **fields: Any) -> None:
        rows_ok = self.rows_total - len(self.failed_rows)
        await self._progress(status=status, phase="finished", rows_ok=rows_ok, finished_at=datetime.now(UTC), **fields)
        await store.delete_file(self.ctx.db, self.id)  # the raw ledger is not kept a moment longer
        log.info("import.finished", import_id=self.id, community=self.community, status=status,
                 rows_total=self.rows_total, rows_ok=rows_ok, rows_failed=len(self.failed_rows), **dict(self.counts))

