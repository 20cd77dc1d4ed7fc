"""Report runs: one template over one period, naming the report made for each community."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from linli_reports.domain.reports import RunFields
from linli_reports.storage.indexes import RUNS


class RunReport(BaseModel):
    community_code: str
    report_id: str
    status: str | None = Field(None, exclude=True)  # the report's now, when a run is read: never stored
    revision: int | None = Field(None, exclude=True)


class Run(RunFields):
    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    id: str = Field(alias="_id")
    template_name: str
    started_by: str
    started_at: datetime
    reports: list[RunReport] = []
    computed_at: datetime | None = None


async def insert(db: Any, run: Run) -> None:
    await db[RUNS].insert_one({**run.model_dump(by_alias=True, exclude={"period"}),
                               "period": run.period.model_dump(mode="json")})


async def get(db: Any, run_id: str) -> Run | None:
    doc = await db[RUNS].find_one({"_id": run_id})
    return None if doc is None else Run.model_validate(doc)
