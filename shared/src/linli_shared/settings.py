"""Settings shared by every service; each service subclasses `ServiceSettings`."""
from __future__ import annotations

import base64
import binascii
from typing import Literal, NamedTuple

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from linli_shared.domain.groups import GroupRules
from linli_shared.domain.suppression import DEFAULT_BELOW

DEV_JWT_SECRET = "linli-dev-secret-change-me-0123456789"
# 32-byte keys, base64; development only, refused in production.
DEV_PII_KEY = "bGlubGktZGV2LXBpaS1rZXktMDEyMzQ1Njc4OWFiY2Q="
DEV_PII_HASH_KEY = "bGlubGktZGV2LWhhc2gta2V5LTAxMjM0NTY3ODlhYmM="
# Text that only a template or a tutorial puts in a secret (deploy/.env.example says `replace-me-…`).
PLACEHOLDER_MARKERS = ("replace-me", "replace_me", "replaceme", "change-me", "change_me", "changeme",
                       "example", "placeholder", "linli-dev")
MIN_KEY_CHARS = 32  # JWT and PII keys
MIN_PASSWORD_CHARS = 16  # NATS passwords and gateway keys
MIN_DISTINCT_CHARS = 10  # `aaaa…` or `1234512345…` is long but guessable


class Secret(NamedTuple):
    """One secret as production checks it: its environment variable, value and rules."""

    variable: str
    value: SecretStr | None
    min_chars: int = MIN_PASSWORD_CHARS
    required: bool = True
    aes_key: bool = False  # base64 of 16, 24 or 32 bytes (privacy.py takes it as the key itself)


def secret_weakness(secret: Secret) -> str | None:
    """Why this value cannot guard production data, or None. Never repeats the value."""
    value = secret.value.get_secret_value() if secret.value is not None else ""
    if not value:
        return "is not set" if secret.required else None
    if value in (DEV_JWT_SECRET, DEV_PII_KEY, DEV_PII_HASH_KEY):
        return "is a development default"
    if any(marker in value.lower() for marker in PLACEHOLDER_MARKERS):
        return "is a placeholder from a template: set a random value"
    if len(value) < secret.min_chars:
        return f"is shorter than {secret.min_chars} characters"
    if len(set(value)) < MIN_DISTINCT_CHARS:
        return f"has fewer than {MIN_DISTINCT_CHARS} distinct characters"
    if secret.aes_key and not _is_aes_key(value):
        return "is not base64 of 16, 24 or 32 random bytes (openssl rand -base64 32)"
    return None


def refuse_weak_secrets(secrets: list[Secret]) -> None:
    """Start-up in production stops here, naming every variable to fix (and none of the values)."""
    problems = [f"{s.variable} {reason}" for s in secrets if (reason := secret_weakness(s))]
    keys = [s for s in secrets if s.aes_key and s.value is not None]
    if len(keys) == 2 and keys[0].value.get_secret_value() == keys[1].value.get_secret_value():
        problems.append(f"{keys[0].variable} and {keys[1].variable} are the same value (each must be its own key)")
    if problems:
        raise ValueError("refusing to start in production with weak secrets: " + "; ".join(problems))


def _is_aes_key(value: str) -> bool:
    try:
        return len(base64.b64decode(value, validate=True)) in (16, 24, 32)
    except (binascii.Error, ValueError):
        return False


class ServiceSettings(BaseSettings):
    """Read from `LINLI_*` environment variables."""

    # An error must not print the input: it holds every secret read from the environment.
    model_config = SettingsConfigDict(env_prefix="LINLI_", extra="ignore", populate_by_name=True,
                                      hide_input_in_errors=True)

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
    # Officers see aggregates only: a figure behind 1 to this − 1 people is hidden from them in every
    # service (linli_shared.domain.suppression); one value, or one service would give away what another hides.
    suppress_below: int = Field(DEFAULT_BELOW, ge=2, le=100, validation_alias=AliasChoices("LINLI_SUPPRESS_BELOW"))

    @model_validator(mode="after")
    def _defaults_and_secrets(self) -> ServiceSettings:
        if not self.mongo_db:
            self.mongo_db = f"linli_{self.service_name}"
        if self.environment == "production":
            refuse_weak_secrets(self.production_secrets())
        return self

    def production_secrets(self) -> list[Secret]:
        """Every secret this service holds; a service with more (notify's gateways) extends the list."""
        return [Secret("LINLI_JWT_SECRET", self.jwt_secret, MIN_KEY_CHARS),
                Secret("LINLI_PII_KEY", self.pii_key, MIN_KEY_CHARS, aes_key=True),
                Secret("LINLI_PII_HASH_KEY", self.pii_hash_key, MIN_KEY_CHARS, aes_key=True),
                Secret("LINLI_NATS_PASSWORD", self.nats_password, required=False)]


def group_rules(settings: ServiceSettings) -> GroupRules:
    return GroupRules(hard_to_employ_female=(settings.hard_to_employ_female_min, settings.hard_to_employ_female_max),
                      hard_to_employ_male=(settings.hard_to_employ_male_min, settings.hard_to_employ_male_max))
