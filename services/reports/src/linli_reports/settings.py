from __future__ import annotations

from pydantic import Field

from linli_shared.settings import ServiceSettings, service_env

_env = service_env("reports")  # reports' own settings: LINLI_REPORTS_<NAME>


class ReportsSettings(ServiceSettings):
    service_name: str = "reports"
    port: int = Field(8005, validation_alias=_env("port"))
    mongo_db: str = Field("linli_reports", validation_alias=_env("mongo_db"))
    # Officers' small-cell threshold is the shared LINLI_SUPPRESS_BELOW (ServiceSettings.suppress_below).
