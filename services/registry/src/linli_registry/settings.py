from __future__ import annotations

from pydantic import AliasChoices, Field

from linli_shared.settings import ServiceSettings


class RegistrySettings(ServiceSettings):
    service_name: str = "registry"
    port: int = Field(8001, validation_alias=AliasChoices("LINLI_REGISTRY_PORT"))
    mongo_db: str = Field("linli_registry", validation_alias=AliasChoices("LINLI_REGISTRY_MONGO_DB"))
    # 4050 人员 bounds differ between deployments; these are the national defaults.
    hard_to_employ_female_min: int = 40
    hard_to_employ_female_max: int = 49
    hard_to_employ_male_min: int = 50
    hard_to_employ_male_max: int = 59
