"""LINLI_CONSOLE_*: where the other services answer, the cookie key, and whether dev sign-in is offered."""
from __future__ import annotations

from pydantic import Field, SecretStr, model_validator

from linli_shared.settings import MIN_KEY_CHARS, Secret, ServiceSettings, service_env

_env = service_env("console")
DEV_COOKIE_SECRET = "linli-dev-console-cookie-secret-0123456789"
SERVICES = ("registry", "visits", "employment", "notify", "reports")


class ConsoleSettings(ServiceSettings):
    service_name: str = "console"
    port: int = Field(8006, validation_alias=_env("port"))
    mongo_db: str = Field("", validation_alias=_env("mongo_db"))  # unused: the console keeps no data of its own
    registry_url: str = Field("http://127.0.0.1:8001", validation_alias=_env("registry_url"))
    visits_url: str = Field("http://127.0.0.1:8002", validation_alias=_env("visits_url"))
    employment_url: str = Field("http://127.0.0.1:8003", validation_alias=_env("employment_url"))
    notify_url: str = Field("http://127.0.0.1:8004", validation_alias=_env("notify_url"))
    reports_url: str = Field("http://127.0.0.1:8005", validation_alias=_env("reports_url"))
    api_timeout_seconds: float = Field(10.0, gt=0, validation_alias=_env("api_timeout_seconds"))
    # A signed-in user's ledger upload may be this large (the registry's own default limit); any other body 1 MiB.
    upload_max_bytes: int = Field(50 << 20, gt=0, validation_alias=_env("upload_max_bytes"))
    # Signs the session cookie (the user's token and CSRF token); a new value signs everyone out.
    cookie_secret: SecretStr = Field(SecretStr(DEV_COOKIE_SECRET), validation_alias=_env("cookie_secret"))
    # A page that mints a token for any staff member: development only. Unset means on outside production.
    dev_signin: bool | None = Field(None, validation_alias=_env("dev_signin"))
    dev_signin_org: str = Field("130303", validation_alias=_env("dev_signin_org"))  # whose staff it lists

    @model_validator(mode="after")
    def _dev_signin_never_in_production(self) -> ConsoleSettings:
        production = self.environment == "production"
        if self.dev_signin is None:
            self.dev_signin = not production
        if production and self.dev_signin:
            raise ValueError("LINLI_CONSOLE_DEV_SIGNIN cannot be on in production: the district's sign-on signs in")
        return self

    def service_urls(self) -> dict[str, str]:
        return {name: getattr(self, f"{name}_url").rstrip("/") for name in SERVICES}

    def production_secrets(self) -> list[Secret]:
        # The console holds no PII key and no store password: only the cookie key (and a JWT secret if set).
        return [Secret("LINLI_JWT_SECRET", self.jwt_secret, MIN_KEY_CHARS, required=False),
                Secret("LINLI_CONSOLE_COOKIE_SECRET", self.cookie_secret, MIN_KEY_CHARS)]
