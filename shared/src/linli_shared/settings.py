"""Settings shared by every service; each service subclasses `ServiceSettings`."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from linli_shared.domain.groups import GroupRules

DEV_JWT_SECRET = "linli-dev-secret-change-me-0123456789"
# 32-byte keys, base64; development only, refused in production.
DEV_PII_KEY = "bGlubGktZGV2LXBpaS1rZXktMDEyMzQ1Njc4OWFiY2Q="
DEV_PII_HASH_KEY = "bGlubGktZGV2LWhhc2gta2V5LTAxMjM0NTY3ODlhYmM="


class ServiceSettings(BaseSettings):
    """Read from `LINLI_*` environment variables."""

    model_config = SettingsConfigDict(env_prefix="LINLI_", extra="ignore", populate_by_name=True)

    service_name: str = "linli"
    environment: Literal["development", "test", "production"] = "development"
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"

    mongo_url: str = "mongodb://127.0.0.1:27017/?directConnection=true"
    mongo_db: str = ""
    nats_url: str = "nats://127.0.0.1:4222"
    nats_user: str | None = None
    nats_password: SecretStr | None = None

    jwt_secret: SecretStr = SecretStr(DEV_JWT_SECRET)
    jwt_issuer: str = "linli"
    pii_key: SecretStr = SecretStr(DEV_PII_KEY)
    pii_hash_key: SecretStr = SecretStr(DEV_PII_HASH_KEY)

    # One process serves HTTP and runs the relay, consumers and timers; these split them for scale.
    run_workers: bool = True
    outbox_poll_seconds: float = Field(0.5, gt=0)
    outbox_retention_days: int = Field(7, ge=1)
    outbox_max_attempts: int = Field(5, ge=1)  # failed publishes before the relay parks an entry
    timezone: str = "Asia/Shanghai"
    # 4050 人员 bounds differ between deployments; every service must count the same people.
    hard_to_employ_female_min: int = 40
    hard_to_employ_female_max: int = 49
    hard_to_employ_male_min: int = 50
    hard_to_employ_male_max: int = 59

    @model_validator(mode="after")
    def _defaults_and_secrets(self) -> ServiceSettings:
        if not self.mongo_db:
            self.mongo_db = f"linli_{self.service_name}"
        if self.environment == "production":
            self._refuse_dev_secrets()
        return self

    def _refuse_dev_secrets(self) -> None:
        dev = {
            "LINLI_JWT_SECRET": (self.jwt_secret, DEV_JWT_SECRET),
            "LINLI_PII_KEY": (self.pii_key, DEV_PII_KEY),
            "LINLI_PII_HASH_KEY": (self.pii_hash_key, DEV_PII_HASH_KEY),
        }
        for name, (value, placeholder) in dev.items():
            secret = value.get_secret_value()
            if secret == placeholder or len(secret) < 32:
                raise ValueError(f"{name} must be set to a real secret (32+ characters) in production")


def group_rules(settings: ServiceSettings) -> GroupRules:
    return GroupRules(hard_to_employ_female=(settings.hard_to_employ_female_min, settings.hard_to_employ_female_max),
                      hard_to_employ_male=(settings.hard_to_employ_male_min, settings.hard_to_employ_male_max))
