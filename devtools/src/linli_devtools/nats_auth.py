"""The deployment's NATS users and permissions (deploy/nats/nats.conf), with development passwords."""
from __future__ import annotations

from linli_devtools.paths import REPO_ROOT

NATS_CONFIG = REPO_ROOT / "deploy" / "nats" / "nats.conf"
USERS = ("registry", "visits", "employment", "notify", "reports", "reader")


def dev_password(user: str) -> str:
    return f"linli-dev-{user}"


def server_env() -> dict[str, str]:
    """What nats-server needs to read the config: one password variable per user."""
    return {f"LINLI_NATS_{user.upper()}_PASSWORD": dev_password(user) for user in USERS}


def service_env(service: str) -> dict[str, str]:
    """What a service needs to connect as itself."""
    return {"LINLI_NATS_USER": service, "LINLI_NATS_PASSWORD": dev_password(service)}
