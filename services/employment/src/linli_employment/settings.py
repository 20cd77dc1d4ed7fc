from __future__ import annotations

from pydantic import Field

from linli_shared.settings import ServiceSettings, service_env

_env = service_env("employment")  # employment's own settings: LINLI_EMPLOYMENT_<NAME>


class EmploymentSettings(ServiceSettings):
    service_name: str = "employment"
    port: int = Field(8003, validation_alias=_env("port"))
    mongo_db: str = Field("linli_employment", validation_alias=_env("mongo_db"))
    # How often placements are checked for their 30/90/180-day follow-ups, under a lease.
    follow_up_interval_seconds: float = Field(3600.0, gt=0, validation_alias=_env("follow_up_interval_seconds"))
