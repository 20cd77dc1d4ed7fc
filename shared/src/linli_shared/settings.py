"""Settings shared by every service; each service subclasses `ServiceSettings`."""
from __future__ import annotations

import base64
import binascii
import os
import urllib.parse
from pathlib import Path
from typing import Any, Literal, NamedTuple

from pydantic import AliasChoices, Field, FilePath, SecretStr, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, SettingsError

from linli_shared.domain.groups import GroupRules
from linli_shared.domain.suppression import DEFAULT_BELOW
from linli_shared.tokens import PublicKey

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
# Marks a str setting that may be read from `<VARIABLE>_FILE` like every SecretStr one.
FROM_FILE: dict[str, Any] = {"from_file": True}


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

    # Carries the service's store password in production, so it may come from a file too (LINLI_MONGO_URL_FILE).
    mongo_url: str = Field("mongodb://127.0.0.1:27017/?directConnection=true", json_schema_extra=FROM_FILE)
    mongo_db: str = ""
    # One URL, or a NATS cluster's seeds separated by commas (`tls://nats-1:4222,tls://nats-2:4222`).
    nats_url: str = "nats://127.0.0.1:4222"
    # The CA that signed NATS's TLS certificate when it is not a public one (deploy/nats/nats-tls.conf).
    nats_tls_ca_file: FilePath | None = None  # must exist: refused at start otherwise
    nats_user: str | None = None
    nats_password: SecretStr | None = None

    # Bearer tokens. Production verifies the district identity provider's tokens with its PUBLIC key (a PEM, or
    # a JWKS URL): no service holds anything that mints one. HS256 with jwt_secret is development and tests only.
    jwt_secret: SecretStr | None = None  # unset: the development secret outside production
    jwt_public_key: str | None = Field(None, json_schema_extra=FROM_FILE)  # PEM: RSA, P-256 or Ed25519
    jwt_jwks_url: str | None = None
    jwt_jwks_timeout_seconds: float = Field(5.0, gt=0, le=30)
    jwt_jwks_cache_seconds: float = Field(300.0, ge=0)
    jwt_issuer: str = "linli"
    jwt_audience: str | None = None
    jwt_max_lifetime_seconds: int = Field(12 * 3600, ge=60)  # exp - iat; a token with a longer life is refused
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

    # Streams (linli_shared.bus.own_streams): used only to create a missing stream; one that exists keeps
    # what an operator set. 0 means no limit. Events are kept forever by default: projections rebuild
    # from the start of a stream.
    stream_replicas: int = Field(1, ge=1, le=5)  # 3 on a three-node NATS cluster
    stream_storage: Literal["file", "memory"] = "file"
    stream_max_age_days: int = Field(0, ge=0)
    stream_max_bytes: int = Field(0, ge=0)
    stream_duplicate_window_seconds: float = Field(120.0, gt=0)  # the relay's re-publish lands inside it
    # Dead letters are bounded: at a limit the oldest are discarded, so alert on them long before.
    dead_letter_max_age_days: int = Field(30, ge=0)
    dead_letter_max_bytes: int = Field(1 << 30, ge=0)
    dead_letter_max_msgs: int = Field(100_000, ge=0)
    # Handled event ids expire after this; it must outlast every window a handled event can come back in.
    inbox_retention_days: int = Field(30, ge=1)
    # A consumer waits this long (quietly) for another service to create its stream before warning.
    consumer_stream_wait_seconds: float = Field(60.0, ge=0)

    @model_validator(mode="after")
    def _inbox_outlasts_republish(self) -> ServiceSettings:
        # `linli-outbox republish` re-sends sent events from the outbox; consumers skip them by inbox id.
        if self.inbox_retention_days <= self.outbox_retention_days:
            raise ValueError(f"LINLI_INBOX_RETENTION_DAYS ({self.inbox_retention_days}) must be longer than "
                             f"LINLI_OUTBOX_RETENTION_DAYS ({self.outbox_retention_days}): a re-published "
                             f"event older than the inbox would be handled again")
        return self

    @model_validator(mode="after")
    def _defaults_and_secrets(self) -> ServiceSettings:
        if not self.mongo_db:
            self.mongo_db = f"linli_{self.service_name}"
        if self.jwt_secret is None and self.environment != "production":
            self.jwt_secret = SecretStr(DEV_JWT_SECRET)
        check_identity_provider(self)
        if self.environment == "production":
            refuse_weak_secrets(self.production_secrets())
        return self

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource,
                                   dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource,
                                   ) -> tuple[PydanticBaseSettingsSource, ...]:
        """`<VARIABLE>_FILE` beside the environment (setting both is refused, so their order does not matter)."""
        return init_settings, env_settings, SettingFiles(settings_cls), dotenv_settings, file_secret_settings

    def production_secrets(self) -> list[Secret]:
        """Every secret this service holds; a service with more (notify's gateways) extends the list."""
        return [Secret("LINLI_JWT_SECRET", self.jwt_secret, MIN_KEY_CHARS, required=False),  # unused: checked if set
                Secret("LINLI_PII_KEY", self.pii_key, MIN_KEY_CHARS, aes_key=True),
                Secret("LINLI_PII_HASH_KEY", self.pii_hash_key, MIN_KEY_CHARS, aes_key=True),
                Secret("LINLI_NATS_PASSWORD", self.nats_password, required=False),
                Secret("LINLI_MONGO_URL's password", _url_password(self.mongo_url), required=False)]


def _url_password(url: str) -> SecretStr | None:
    # deploy/compose.yaml puts each service's MongoDB password into its connection string.
    password = urllib.parse.urlsplit(url).password
    return SecretStr(urllib.parse.unquote(password)) if password else None


def group_rules(settings: ServiceSettings) -> GroupRules:
    return GroupRules(hard_to_employ_female=(settings.hard_to_employ_female_min, settings.hard_to_employ_female_max),
                      hard_to_employ_male=(settings.hard_to_employ_male_min, settings.hard_to_employ_male_max))


def check_identity_provider(settings: ServiceSettings) -> None:
    """Production accepts only tokens its identity provider signed: one public key source and an audience."""
    if settings.jwt_public_key and settings.jwt_jwks_url:
        raise ValueError("set LINLI_JWT_PUBLIC_KEY (or its _FILE) or LINLI_JWT_JWKS_URL, not both")
    if settings.jwt_public_key:
        PublicKey.from_pem(settings.jwt_public_key)  # a bad key stops the start, not the first request
    asymmetric = bool(settings.jwt_public_key or settings.jwt_jwks_url)
    if asymmetric and not settings.jwt_audience:
        raise ValueError("LINLI_JWT_AUDIENCE is required with the identity provider's keys (tokens for another "
                         "system must not open this one)")
    if settings.environment != "production":
        return
    if not asymmetric:
        raise ValueError("production verifies the identity provider's tokens: set LINLI_JWT_JWKS_URL or "
                         "LINLI_JWT_PUBLIC_KEY_FILE (HS256 with LINLI_JWT_SECRET is for development only)")
    if settings.jwt_jwks_url and not settings.jwt_jwks_url.startswith("https://"):
        raise ValueError("LINLI_JWT_JWKS_URL must be https:// in production (keys fetched in the clear can be swapped)")


def env_variable(settings_cls: type[BaseSettings], name: str) -> str:
    """The environment variable a setting is read from (its alias, else the prefix and its name)."""
    alias = settings_cls.model_fields[name].validation_alias
    if isinstance(alias, AliasChoices):
        return str(alias.choices[0])
    return alias if isinstance(alias, str) else f"{settings_cls.model_config.get('env_prefix', '')}{name}".upper()


def file_variables(settings_cls: type[BaseSettings]) -> dict[str, str]:
    """Every setting that may come from a file (each secret, and the Mongo URL and IdP key): field -> variable."""
    return {name: env_variable(settings_cls, name) for name, field in settings_cls.model_fields.items()
            if _from_file(field)}


def _from_file(field: FieldInfo) -> bool:
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    return field.annotation in (SecretStr, SecretStr | None) or bool(extra.get("from_file"))


def read_setting_file(variable: str, environ: Any = os.environ) -> str:
    """`<VARIABLE>_FILE`'s content, less one trailing newline; both set, or an unreadable file, stops the start."""
    path = environ[f"{variable}_FILE"]
    if variable in environ:
        raise SettingsError(f"{variable} and {variable}_FILE are both set: keep one")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        raise SettingsError(f"{variable}_FILE: cannot read {path}: {reason}") from None
    return text.removesuffix("\n").removesuffix("\r")


class SettingFiles(PydanticBaseSettingsSource):
    """Compose and Kubernetes hand secrets over as files: `LINLI_PII_KEY_FILE=/run/secrets/pii_key` and so on.

    The values then go through the same validators as any other (production's weak-secret check included).
    """

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # unused: __call__ reads every file setting at once

    def __call__(self) -> dict[str, Any]:
        return {name: read_setting_file(variable) for name, variable in file_variables(self.settings_cls).items()
                if f"{variable}_FILE" in os.environ}


def service_env(service: str):
    """A service's own settings are read from `LINLI_<SERVICE>_<NAME>`; shared ones from `LINLI_<NAME>`."""
    def alias(name: str) -> AliasChoices:
        return AliasChoices(f"LINLI_{service.upper()}_{name.upper()}")
    return alias
