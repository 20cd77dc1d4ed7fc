"""A run's and a community report's fields, declared once: the store keeps them (storage/) and the API shows
them (api/schemas.py), each adding only what is its own."""
from __future__ import annotations

from pydantic import BaseModel

from linli_reports.domain.period import Period


class RunFields(BaseModel):
    """One template over one period for an org."""

    id: str
    template_key: str
    template_version: int
    org_code: str
    period: Period
    period_label: str
    start: str
    end: str
    as_of: str


class ReportHead(BaseModel):
    """Which run, community and template a report is."""

    id: str
    run_id: str
    community_code: str
    community_name: str
    template_key: str
    template_version: int
    template_name: str


class ReportListing(BaseModel):
    """A report as a list shows it."""

    id: str
    run_id: str
    community_code: str
    community_name: str
    template_key: str
    period_label: str
    status: str
    revision: int
    version: int
    comment: str | None = None
