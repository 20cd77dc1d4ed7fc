"""Community reports: one document per community and run, moved through review under optimistic concurrency."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from linli_shared.mongo import update_versioned
from linli_shared.orgs import prefix_regex
from linli_shared.outbox import Tx
from linli_shared.pagination import page_by_id

from linli_reports.domain.compute import Value
from linli_reports.domain.period import Period
from linli_reports.domain.reports import ReportHead, ReportListing
from linli_reports.storage.indexes import REPORTS

NOT_FOUND = "report.not_found"


class Stored(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore")


class HistoryEntry(Stored):
    action: str
    by: str
    at: datetime
    revision: int
    comment: str | None = None  # a return's; stored only when there is one


class Report(Stored, ReportHead):
    id: str = Field(alias="_id")
    period: Period
    period_label: str
    start: str
    end: str
    as_of: str
    owner_org: str
    manual: dict[str, Any] = {}
    status: str
    revision: int
    version: int
    comment: str | None = None
    history: list[HistoryEntry] = []
    values: dict[str, Value] = {}
    kinds: dict[str, str] = {}
    people: dict[str, int] | None = None  # reports computed before people were counted have none
    computed_at: datetime | None = None
    watermark: dict[str, datetime] = {}
    suppressed: list[str] = Field([], exclude=True)  # cells hidden from the caller of a view: never stored

    @property
    def street(self) -> str:
        return self.community_code[:9]

    def doc(self) -> dict[str, Any]:
        return {**self.model_dump(by_alias=True, exclude={"history", "period"}),
                "period": self.period.model_dump(mode="json"), "history": [entry_doc(e) for e in self.history]}


class Listed(Stored, ReportListing):
    """Read with a projection of just these fields."""

    id: str = Field(alias="_id")


LISTED = {Listed.model_fields[name].alias or name: 1 for name in Listed.model_fields if name != "id"}


def entry_doc(entry: HistoryEntry) -> dict[str, Any]:
    return entry.model_dump(exclude={"comment"} if entry.comment is None else set())


async def get(db: Any, report_id: str) -> Report | None:
    doc = await db[REPORTS].find_one({"_id": report_id})
    return None if doc is None else Report.model_validate(doc)


async def of_run(db: Any, run_id: str) -> list[Report]:
    """Every report of a run, in community order."""
    docs = await db[REPORTS].find({"run_id": run_id}).sort("community_code", 1).to_list()
    return [Report.model_validate(d) for d in docs]


async def states_of_run(db: Any, run_id: str) -> dict[str, tuple[str, int]]:
    """report id → (status, revision), for a run's overview."""
    return {r["_id"]: (r["status"], r["revision"])
            for r in await db[REPORTS].find({"run_id": run_id}, {"status": 1, "revision": 1}).to_list()}


async def page_under(db: Any, org: str, status: str | None, run_id: str | None, limit: int,
                     cursor: str | None) -> tuple[list[Listed], str | None]:
    """Reports of the communities under `org`, by id, optionally of one status or run."""
    query = {"community_code": prefix_regex(org), **({"status": status} if status else {}),
             **({"run_id": run_id} if run_id else {})}
    docs, next_cursor = await page_by_id(db[REPORTS], query, limit, cursor, LISTED)
    return [Listed.model_validate(d) for d in docs], next_cursor


async def insert(tx: Tx, report: Report) -> None:
    await tx.db[REPORTS].insert_one(report.doc(), session=tx.session)


async def fill_manual(tx: Tx, report_id: str, expected: int, cells: dict[str, Any]) -> Report:
    """Set manual cells if the report is still at `expected` (else 412)."""
    return Report.model_validate(await update_versioned(
        tx.db[REPORTS], report_id, expected, {"$set": {f"manual.{k}": v for k, v in cells.items()}}, tx.session,
        NOT_FOUND))


async def move(tx: Tx, report: Report, status: str, entry: HistoryEntry, comment: str | None = None) -> Report:
    """A review step: the new status (a return's comment with it) and its history entry, from the version read."""
    changes: dict[str, Any] = {"status": status, **({"comment": comment} if status == "returned" else {})}
    return Report.model_validate(await update_versioned(
        tx.db[REPORTS], report.id, report.version, {"$set": changes, "$push": {"history": entry_doc(entry)}},
        tx.session, NOT_FOUND))


async def new_revision(tx: Tx, read: Report, fresh: Report, entry: HistoryEntry) -> Report:
    """The freshly computed cells of `fresh` on the report as it was `read`, with their history entry."""
    computed = fresh.model_dump(include={"values", "kinds", "people", "computed_at", "watermark", "revision"})
    return Report.model_validate(await update_versioned(
        tx.db[REPORTS], read.id, read.version, {"$set": computed, "$push": {"history": entry_doc(entry)}},
        tx.session, NOT_FOUND))
