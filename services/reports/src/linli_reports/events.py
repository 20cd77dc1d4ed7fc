"""The reports service's events: small, flat, past tense."""
from __future__ import annotations

from datetime import date

from linli_shared.events import EventData


class ReportFacts(EventData):
    report_id: str
    run_id: str
    community_code: str
    template_key: str
    template_version: int
    period_start: date
    period_end: date
    revision: int


class ReportComputed(ReportFacts):
    TYPE = "linli.reports.report.computed.v1"
    values: dict[str, float | int | str | None]


class ReportSubmitted(ReportFacts):
    TYPE = "linli.reports.report.submitted.v1"
    submitted_by: str


class ReportReturned(ReportFacts):
    TYPE = "linli.reports.report.returned.v1"
    returned_by: str
    comment: str


class ReportAccepted(ReportFacts):
    TYPE = "linli.reports.report.accepted.v1"
    accepted_by: str
