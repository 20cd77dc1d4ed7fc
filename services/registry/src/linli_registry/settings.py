from __future__ import annotations

from pydantic import Field

from linli_shared.settings import ServiceSettings, service_env

_env = service_env("registry")  # the registry's own settings: LINLI_REGISTRY_<NAME>


class RegistrySettings(ServiceSettings):
    service_name: str = "registry"
    port: int = Field(8001, validation_alias=_env("port"))
    mongo_db: str = Field("linli_registry", validation_alias=_env("mongo_db"))
    # Ledger imports (台账导入)
    import_max_bytes: int = Field(50 << 20, gt=0, validation_alias=_env("import_max_bytes"),
                                  description="largest upload accepted")
    import_batch_rows: int = Field(500, ge=1, validation_alias=_env("import_batch_rows"),
                                   description="rows written per transaction (whole households)")
    import_poll_seconds: float = Field(2.0, gt=0, validation_alias=_env("import_poll_seconds"),
                                       description="how often an idle worker looks for jobs")
    import_lease_seconds: float = Field(60.0, gt=0, validation_alias=_env("import_lease_seconds"),
                                        description="a job whose worker is silent this long is rerun")
    # Listings by group and statistics read a community's residents from memory, kept per process.
    facts_kept_communities: int = Field(32, ge=1, validation_alias=_env("facts_kept_communities"),
                                        description="communities whose facts one process keeps "
                                                    "(about 4.5 MB per 3,000 residents)")
    statistics_warm_interval_seconds: float = Field(
        600.0, ge=0, validation_alias=_env("statistics_warm_interval_seconds"),
        description="how often today's statistics are counted for communities whose data changed, so "
                    "the first page of a day is warm; 0 never")
    # Each search by the last four of an ID number tells a caller whose number ends so: bounded per caller.
    id_tail_searches_per_hour: int = Field(30, ge=1, validation_alias=_env("id_tail_searches_per_hour"),
                                           description="searches by ID tail per caller and clock hour "
                                                       "without pii:read")
