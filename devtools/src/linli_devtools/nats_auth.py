"""The deployment's NATS users and permissions (deploy/nats/nats.conf), with development passwords."""
from __future__ import annotations

from typing import Any

from linli_devtools.paths import REPO_ROOT
from linli_shared.bus import inbox_prefix

NATS_CONFIG = REPO_ROOT / "deploy" / "nats" / "nats.conf"
USERS = ("registry", "visits", "employment", "notify", "reports", "reader")
OPS = "ops"  # operators' backups and restores (linli-streams): no service, no consumer


def dev_password(user: str) -> str:
    return f"linli-dev-{user}"


def server_env() -> dict[str, str]:
    """What nats-server needs to read the config: one password variable per user."""
    return {f"LINLI_NATS_{user.upper()}_PASSWORD": dev_password(user) for user in (*USERS, OPS)}


def service_env(service: str) -> dict[str, str]:
    """What a service needs to connect as itself."""
    return {"LINLI_NATS_USER": service, "LINLI_NATS_PASSWORD": dev_password(service)}


def connect_options(user: str) -> dict[str, Any]:
    """`nats.connect(url, **connect_options(user))`: the user, its password and the only inbox it may hear."""
    return {"user": user, "password": dev_password(user), "inbox_prefix": inbox_prefix(user)}
