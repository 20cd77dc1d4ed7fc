"""Request and response bodies of the notify API."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator
from pydantic_core import PydanticCustomError

from linli_shared.bounds import MAX_ITEMS, Items, Tag
from linli_shared.orgs import OrgCode

from linli_notify.catalog import SUBSCRIBABLE
from linli_notify.domain import commands
from linli_notify.domain.data_classes import DATA_CLASSES
from linli_notify.domain.quiet import parse_hhmm
from linli_notify.domain.rules import CHANNELS, RULES, RuleOverride
from linli_notify.domain.template_trail import TemplateChangeFields

Status = Literal["pending", "sent", "deferred", "retrying", "failed", "dead", "skipped"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _channels(value: list[str]) -> list[str]:
    unknown = sorted(set(value) - set(CHANNELS))
    if unknown:
        raise PydanticCustomError("preferences.channel.unknown", "unknown channels {unknown}; use {known}",
                                  {"unknown": unknown, "known": list(CHANNELS)})
    return value


class QuietHours(Strict):
    start: str = Field(max_length=5, examples=["21:00"])
    end: str = Field(max_length=5, examples=["08:00"])

    @field_validator("start", "end")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        try:
            parse_hhmm(value)
        except ValueError:
            raise PydanticCustomError("preferences.quiet_hours.invalid", "{value} is not HH:MM (00:00–23:59)",
                                      {"value": value}) from None
        return value


class PreferencesIn(Strict):
    channels: Items[Tag] | None = Field(None, description="null: the defaults (staff: inbox; residents: sms)")
    quiet_hours: QuietHours | None = Field(None, description="null: the deployment's default, 21:00–08:00")
    opt_outs: Items[Tag] = Field([], description="rule keys this recipient does not want (critical ones still come)")

    @field_validator("channels")
    @classmethod
    def _known_channels(cls, value: list[str] | None) -> list[str] | None:
        return value if value is None else _channels(value)

    @field_validator("opt_outs")
    @classmethod
    def _rules(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(RULES))
        if unknown:
            raise PydanticCustomError("preferences.rule.unknown", "unknown rules {unknown}", {"unknown": unknown})
        return value

    def command(self, recipient_id: str) -> commands.SetPreferences:
        quiet = self.quiet_hours
        return commands.SetPreferences(
            recipient_id=recipient_id, channels=None if self.channels is None else tuple(self.channels),
            quiet_hours=commands.QuietHours(quiet.start, quiet.end) if quiet else None, opt_outs=tuple(self.opt_outs))


class PreferencesOut(PreferencesIn):
    model_config = ConfigDict(extra="ignore")
    recipient_id: str
    recipient_kind: Literal["staff", "resident"]


class TemplateIn(Strict):
    body: Annotated[str, StringConstraints(min_length=1, max_length=4000)]
    subject: Annotated[str, StringConstraints(max_length=200)] | None = None

    def command(self, org_code: str, key: str) -> commands.SaveTemplate:
        return commands.SaveTemplate(org_code=org_code, key=key, body=self.body, subject=self.subject)


class TemplateOut(BaseModel):
    key: str
    rule: str
    channel: str
    body: str
    subject: str | None
    variables: list[str]
    customized: bool
    org_code: str | None = Field(None, description="the org whose template applies; null: the built-in one")
    version: int = 0


class TemplateChangeOut(TemplateChangeFields):
    pass


class WebhookIn(Strict):
    org_code: OrgCode
    url: str
    event_types: Annotated[Items[Tag], Field(min_length=1)]
    secret: Annotated[str, StringConstraints(min_length=16, max_length=200)] | None = None
    data_classes: list[Annotated[str, StringConstraints(max_length=40)]] = Field(
        [], max_length=len(DATA_CLASSES), examples=[["identity", "contact"]],
        description=f"the personal data it may receive besides the events' "
                    f"identifiers, of {', '.join(DATA_CLASSES)}; none by default")

    @field_validator("data_classes")
    @classmethod
    def _classes(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(DATA_CLASSES))
        if unknown:
            raise PydanticCustomError("webhook.data_class.unknown", "unknown data classes {unknown}; use {known}",
                                      {"unknown": unknown, "known": list(DATA_CLASSES)})
        return sorted(set(value))

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")) or len(value) > 2000 or " " in value:
            raise PydanticCustomError("webhook.url.invalid", "the URL must be http:// or https://")
        return value

    @field_validator("event_types")
    @classmethod
    def _types(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - SUBSCRIBABLE)
        if unknown:
            raise PydanticCustomError("webhook.event_type.unknown", "notify does not carry {unknown}",
                                      {"unknown": unknown})
        return sorted(set(value))

    def command(self) -> commands.CreateWebhook:
        return commands.CreateWebhook(org_code=self.org_code, url=self.url, event_types=tuple(self.event_types),
                                      data_classes=tuple(self.data_classes), secret=self.secret)


class WebhookOut(BaseModel):
    id: str
    org_code: str
    url: str
    event_types: list[str]
    data_classes: list[str] = []
    active: bool
    created_at: datetime
    secret: str | None = Field(None, description="returned once, when the webhook is created")


class CommunitySettingsIn(Strict):
    rules: dict[Tag, RuleOverride] = Field({}, max_length=MAX_ITEMS)
    wecom_robot_url: str | None = Field(None, max_length=2000, description="the community's WeCom group robot webhook")

    @field_validator("rules")
    @classmethod
    def _known(cls, value: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(value) - set(RULES))
        if unknown:
            raise PydanticCustomError("rules.rule.unknown", "unknown rules {unknown}", {"unknown": unknown})
        for override in value.values():
            if override.channels is not None:
                _channels(list(override.channels))
        return value

    @field_validator("wecom_robot_url")
    @classmethod
    def _robot(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise PydanticCustomError("rules.wecom_robot_url.invalid", "the robot URL must be http(s)")
        return value

    def command(self, community_code: str) -> commands.SetCommunitySettings:
        return commands.SetCommunitySettings(community_code=community_code, rules=dict(self.rules),
                                             wecom_robot_url=self.wecom_robot_url)


class NotificationOut(BaseModel):
    id: str
    community_code: str
    event_id: str
    event_type: str
    rule: str
    channel: str
    recipient_kind: str
    recipient_id: str
    address: str | None = None
    status: Status
    reason: str | None = None
    critical: bool = False
    not_before: datetime | None = None
    attempt_count: int
    attempts: list[dict[str, Any]] = []
    subject: str | None = None
    body: str | None = None
    created_at: datetime
    sent_at: datetime | None = None
    read_at: datetime | None = None


class InboxItem(BaseModel):
    id: str
    rule: str
    community_code: str
    subject: str | None = None
    body: str | None = None
    critical: bool = False
    created_at: datetime
    read_at: datetime | None = None
