"""Request and response bodies of the reports API."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from linli_shared.bounds import Code

from linli_reports.domain.indicators import Indicator
from linli_reports.domain.period import Period
from linli_reports.domain.reports import ReportHead, ReportListing, RunFields


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TemplateOut(BaseModel):
    key: str
    org_code: str
    version: int
    name: str
    indicators: list[Indicator]
    saved_by: str
    saved_at: datetime


class RunIn(Strict):
    period: Period


class RunReport(BaseModel):
    community_code: str
    report_id: str
    status: str | None = None
    revision: int | None = None


class RunOut(RunFields):
    computed_at: datetime
    reports: list[RunReport]


class HistoryEntry(BaseModel):
    action: str
    by: str
    at: datetime
    revision: int
    comment: str | None = None


class ReportOut(ReportHead):
    period: Period
    period_label: str
    start: str
    end: str
    as_of: str
    values: dict[str, int | float | None] = Field(description=(
        "computed cells; for officers (aggregates only) a cell behind which 1 to suppressed_below - 1 people "
        "(or households) stand is null and listed in `suppressed`, and so is any cell of the run's roll-up "
        "from which such a cell could be worked out by subtracting from the total; 0 is shown"))
    suppressed: list[str] = Field([], description="computed cells hidden from this caller (values null)")
    suppressed_below: int | None = Field(None, description="the threshold applied to this caller; null: exact")
    manual: dict[str, Any]
    status: str
    revision: int
    version: int
    computed_at: datetime
    watermark: dict[str, datetime] = Field(description="newest event time applied from each producer")
    comment: str | None = None
    history: list[HistoryEntry]


ManualCell = int | float | Annotated[str, StringConstraints(max_length=2000)] | None


class ReportSummary(ReportListing):
    pass


class ManualCellsIn(Strict):
    cells: dict[Code, ManualCell] = Field(min_length=1, max_length=300)  # a template has at most 300 indicators


class ReturnIn(Strict):
    comment: Annotated[str, StringConstraints(min_length=1, max_length=2000, strip_whitespace=True)]


class LineagePage(BaseModel):
    indicator: str
    kind: str
    revision: int
    total: int
    items: list[dict[str, Any]]
    next_cursor: str | None = None
