from __future__ import annotations

from pydantic import AliasChoices, Field

from linli_shared.settings import ServiceSettings

from linli_reports.domain.suppression import DEFAULT_BELOW


class ReportsSettings(ServiceSettings):
    service_name: str = "reports"
    port: int = Field(8005, validation_alias=AliasChoices("LINLI_REPORTS_PORT"))
    mongo_db: str = Field("linli_reports", validation_alias=AliasChoices("LINLI_REPORTS_MONGO_DB"))
    # Officers see aggregates only: a computed cell behind which fewer people stand is hidden from them.
    suppress_below: int = Field(DEFAULT_BELOW, ge=2, le=100,
                                validation_alias=AliasChoices("LINLI_REPORTS_SUPPRESS_BELOW"))
