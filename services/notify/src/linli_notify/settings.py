from __future__ import annotations

from typing import Annotated

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode

from linli_shared.settings import Secret, ServiceSettings, service_env

from linli_notify.domain.targets import TargetPolicy

_env = service_env("notify")  # notify's own settings: LINLI_NOTIFY_<NAME> (the constructor takes field names)


class NotifySettings(ServiceSettings):
    service_name: str = "notify"
    port: int = Field(8004, validation_alias=_env("port"))
    mongo_db: str = Field("linli_notify", validation_alias=_env("mongo_db"))
    # Nothing leaves the machine unless asked: SMS, e-mail and WeCom are logged (masked) instead of sent.
    # Unset means "on" everywhere but production.
    dev_sink: bool | None = Field(None, validation_alias=_env("dev_sink"))

    sms_primary_url: str | None = Field(None, validation_alias=_env("sms_primary_url"))
    sms_backup_url: str | None = Field(None, validation_alias=_env("sms_backup_url"))
    sms_api_key: SecretStr = Field(SecretStr(""), validation_alias=_env("sms_api_key"))
    sms_sign: str = Field("邻里", validation_alias=_env("sms_sign"))
    sms_failover_threshold: int = Field(3, ge=1, validation_alias=_env("sms_failover_threshold"))
    sms_probe_after_seconds: float = Field(300.0, gt=0, validation_alias=_env("sms_probe_after_seconds"))

    smtp_host: str = Field("127.0.0.1", validation_alias=_env("smtp_host"))
    smtp_port: int = Field(25, validation_alias=_env("smtp_port"))
    smtp_from: str = Field("linli@localhost", validation_alias=_env("smtp_from"))
    smtp_username: str | None = Field(None, validation_alias=_env("smtp_username"))
    smtp_password: SecretStr | None = Field(None, validation_alias=_env("smtp_password"))
    smtp_starttls: bool = Field(False, validation_alias=_env("smtp_starttls"))

    digest_hour: int = Field(8, ge=0, le=23, validation_alias=_env("digest_hour"))
    digest_interval_seconds: float = Field(60.0, gt=0, validation_alias=_env("digest_interval_seconds"))
    quiet_start: str = Field("21:00", pattern=r"^\d{2}:\d{2}$", validation_alias=_env("quiet_start"))
    quiet_end: str = Field("08:00", pattern=r"^\d{2}:\d{2}$", validation_alias=_env("quiet_end"))

    # Per-channel sends per second (a WeCom group robot takes 20 a minute).
    rate_sms: float = Field(10.0, gt=0, validation_alias=_env("rate_sms"))
    rate_email: float = Field(5.0, gt=0, validation_alias=_env("rate_email"))
    rate_wecom: float = Field(20 / 60, gt=0, validation_alias=_env("rate_wecom"))
    rate_webhook: float = Field(50.0, gt=0, validation_alias=_env("rate_webhook"))

    delivery_poll_seconds: float = Field(0.5, gt=0, validation_alias=_env("delivery_poll_seconds"))
    delivery_lease_seconds: float = Field(60.0, gt=0, validation_alias=_env("delivery_lease_seconds"))
    delivery_concurrency: int = Field(32, ge=1, validation_alias=_env("delivery_concurrency"))
    send_timeout_seconds: float = Field(10.0, gt=0, validation_alias=_env("send_timeout_seconds"))
    max_attempts: int = Field(6, ge=1, validation_alias=_env("max_attempts"))
    backoff_seconds: tuple[float, ...] = Field((30.0, 120.0, 600.0, 1800.0, 7200.0),
                                               validation_alias=_env("backoff_seconds"))

    # Stored templates render in worker processes: this many, killed and replaced past the timeout.
    render_workers: int = Field(2, ge=1, le=16, validation_alias=_env("render_workers"))
    render_timeout_seconds: float = Field(0.5, gt=0, le=10, validation_alias=_env("render_timeout_seconds"))
    render_memory_mb: int = Field(512, ge=64, validation_alias=_env("render_memory_mb"))
    # In production, webhooks, WeCom robots and SMS gateways must be public https targets; these hosts (names, or
    # IP networks like 10.1.2.0/24) may be internal. Comma-separated.
    allowed_private_hosts: Annotated[tuple[str, ...], NoDecode] = Field(
        (), validation_alias=_env("allowed_private_hosts"))

    @field_validator("allowed_private_hosts", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        return tuple(part.strip() for part in value.split(",") if part.strip()) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _sink_and_gateway(self) -> NotifySettings:
        if self.dev_sink is None:
            self.dev_sink = self.environment != "production"
        return self

    def production_secrets(self) -> list[Secret]:
        """The gateway key is required when SMS really leaves (no dev sink, a gateway set); both checked when set."""
        live_gateway = self.dev_sink is not True and bool(self.sms_primary_url)  # unset dev_sink: off in production
        return [*super().production_secrets(),
                Secret("LINLI_NOTIFY_SMS_API_KEY", self.sms_api_key, required=live_gateway),
                Secret("LINLI_NOTIFY_SMTP_PASSWORD", self.smtp_password, required=False)]

    @property
    def target_policy(self) -> TargetPolicy:
        return TargetPolicy.from_list(self.environment == "production", self.allowed_private_hosts)

    @property
    def rates(self) -> dict[str, float]:
        return {"sms": self.rate_sms, "email": self.rate_email, "wecom": self.rate_wecom,
                "webhook": self.rate_webhook}
