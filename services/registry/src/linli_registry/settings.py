from __future__ import annotations

from pydantic import AliasChoices, Field

from linli_shared.settings import ServiceSettings


class RegistrySettings(ServiceSettings):
    service_name: str = "registry"
    port: int = Field(8001, validation_alias=AliasChoices("LINLI_REGISTRY_PORT"))
    mongo_db: str = Field("linli_registry", validation_alias=AliasChoices("LINLI_REGISTRY_MONGO_DB"))
    # Ledger imports (台账导入)
    import_max_bytes: int = Field(50 << 20, gt=0, description="largest upload accepted")
    import_batch_rows: int = Field(500, ge=1, description="rows written per transaction (whole households)")
    import_poll_seconds: float = Field(2.0, gt=0, description="how often an idle worker looks for jobs")
    import_lease_seconds: float = Field(60.0, gt=0, description="a job whose worker is silent this long is rerun")
    # Listings by group and statistics read a community's residents from memory, kept per process.
    facts_kept_communities: int = Field(32, ge=1, description="communities whose facts one process keeps "
                                                                "(about 4.5 MB per 3,000 residents)")
    statistics_warm_interval_seconds: float = Field(
        600.0, ge=0, description="how often today's statistics are counted for communities whose data changed, so "
                                 "the first page of a day is warm; 0 never")
    # Each search by the last four of an ID number tells a caller whose number ends so: bounded per caller.
    id_tail_searches_per_hour: int = Field(30, ge=1, description="searches by ID tail per caller and clock hour "
                                                                  "without pii:read")
