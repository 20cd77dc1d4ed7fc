"""What a caller asks notify to do, apart from how the API spells it (api/schemas.py validates and maps)."""
from __future__ import annotations

from dataclasses import dataclass, field

from linli_notify.domain.rules import RuleOverride


@dataclass(frozen=True)
class QuietHours:
    start: str  # HH:MM
    end: str


@dataclass(frozen=True)
class SetPreferences:
    recipient_id: str
    channels: tuple[str, ...] | None = None  # None: the defaults for the recipient's kind
    quiet_hours: QuietHours | None = None  # None: the deployment's default
    opt_outs: tuple[str, ...] = ()


@dataclass(frozen=True)
class SetCommunitySettings:
    community_code: str
    rules: dict[str, RuleOverride] = field(default_factory=dict)
    wecom_robot_url: str | None = None


@dataclass(frozen=True)
class CreateWebhook:
    org_code: str
    url: str
    event_types: tuple[str, ...]
    data_classes: tuple[str, ...] = ()
    secret: str | None = None  # None: one is generated


@dataclass(frozen=True)
class SaveTemplate:
    org_code: str
    key: str  # <rule>.<channel>
    body: str
    subject: str | None = None
