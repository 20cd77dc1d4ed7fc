from __future__ import annotations

from pydantic import AliasChoices, Field

from linli_shared.settings import ServiceSettings


class ReportsSettings(ServiceSettings):
    service_name: str = "reports"
    port: int = Field(8005, validation_alias=AliasChoices("LINLI_REPORTS_PORT"))
    mongo_db: str = Field("linli_reports", validation_alias=AliasChoices("LINLI_REPORTS_MONGO_DB"))
    # Officers' small-cell threshold is the shared LINLI_SUPPRESS_BELOW (ServiceSettings.suppress_below).
