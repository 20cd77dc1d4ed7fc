from __future__ import annotations

from pydantic import AliasChoices, Field

from linli_shared.settings import ServiceSettings


class RegistrySettings(ServiceSettings):
    service_name: str = "registry"
    port: int = Field(8001, validation_alias=AliasChoices("LINLI_REGISTRY_PORT"))
    mongo_db: str = Field("linli_registry", validation_alias=AliasChoices("LINLI_REGISTRY_MONGO_DB"))
