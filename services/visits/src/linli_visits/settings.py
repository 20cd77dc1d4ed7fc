from __future__ import annotations

from pydantic import Field

from linli_shared.settings import ServiceSettings, service_env

_env = service_env("visits")  # visits' own settings: LINLI_VISITS_<NAME>


class VisitsSettings(ServiceSettings):
    service_name: str = "visits"
    port: int = Field(8002, validation_alias=_env("port"))
    mongo_db: str = Field("linli_visits", validation_alias=_env("mongo_db"))
    # How often the task sweep (routine cadences, birthdays, overdue) runs, under a lease.
    sweep_interval_seconds: float = Field(300.0, gt=0, validation_alias=_env("sweep_interval_seconds"))
