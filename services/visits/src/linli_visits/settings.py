from __future__ import annotations

from pydantic import AliasChoices, Field

from linli_shared.settings import ServiceSettings


class VisitsSettings(ServiceSettings):
    service_name: str = "visits"
    port: int = Field(8002, validation_alias=AliasChoices("LINLI_VISITS_PORT"))
    mongo_db: str = Field("linli_visits", validation_alias=AliasChoices("LINLI_VISITS_MONGO_DB"))
    # How often the task sweep (routine cadences, birthdays, overdue) runs, under a lease.
    sweep_interval_seconds: float = Field(300.0, gt=0)
