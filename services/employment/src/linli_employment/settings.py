from __future__ import annotations

from pydantic import AliasChoices, Field

from linli_shared.settings import ServiceSettings


class EmploymentSettings(ServiceSettings):
    service_name: str = "employment"
    port: int = Field(8003, validation_alias=AliasChoices("LINLI_EMPLOYMENT_PORT"))
    mongo_db: str = Field("linli_employment", validation_alias=AliasChoices("LINLI_EMPLOYMENT_MONGO_DB"))
    # How often placements are checked for their 30/90/180-day follow-ups, under a lease.
    follow_up_interval_seconds: float = Field(3600.0, gt=0)
