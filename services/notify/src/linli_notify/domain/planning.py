"""For one recipient of one rule: which channels, and whether each goes now, waits, or is skipped (and why)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from linli_notify.domain.quiet import quiet_until
from linli_notify.domain.rules import Rule

RecipientKind = Literal["staff", "resident"]
OUTBOUND_QUIET = ("sms", "email", "wecom")  # the inbox and machines (webhooks) have no night


@dataclass(frozen=True)
class Recipient:
    kind: RecipientKind
    id: str
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    sms_consent: bool = False
    wecom_userid: str | None = None
    wecom_robot: str | None = None  # the community's group robot URL: WeCom messages go there, @-mentioning
    known: bool = True  # False: not (yet) in our projection of the registry
    only: tuple[str, ...] | None = None  # a copy limited to these channels (the referring worker's inbox copy)


class Preferences(BaseModel):
    model_config = ConfigDict(frozen=True)
    channels: tuple[str, ...] | None = None  # None: the defaults for the recipient's kind
    quiet_start: time | None = None
    quiet_end: time | None = None
    opt_outs: frozenset[str] = frozenset()


DEFAULT_CHANNELS = {"staff": ("inbox",), "resident": ("sms",)}


@dataclass(frozen=True)
class Planned:
    channel: str
    status: Literal["pending", "sent", "deferred", "skipped"]
    address: str | None = None
    not_before: datetime | None = None
    reason: str | None = None


def plan(rule: Rule, recipient: Recipient, prefs: Preferences, now: datetime, zone: ZoneInfo,
         default_quiet: tuple[time, time]) -> list[Planned]:
    wanted = prefs.channels if prefs.channels is not None else DEFAULT_CHANNELS[recipient.kind]
    channels = [c for c in rule.channels
                if (c in wanted and c != "inbox") or (c == "inbox" and recipient.kind == "staff")]
    if recipient.only is not None:
        channels = [c for c in channels if c in recipient.only]
    if not channels:
        return []
    if rule.key in prefs.opt_outs and not rule.critical:
        return [Planned(c, "skipped", reason="recipient.opted_out") for c in channels]
    start, end = (prefs.quiet_start, prefs.quiet_end) if prefs.quiet_start and prefs.quiet_end else default_quiet
    release = None if rule.critical else quiet_until(now, start, end, zone)
    return [_one(channel, recipient, release) for channel in channels]


def _one(channel: str, recipient: Recipient, release: datetime | None) -> Planned:
    if channel == "inbox":
        return Planned("inbox", "sent")
    address, missing = _address(channel, recipient)
    if missing:
        return Planned(channel, "skipped", reason=missing)
    if release is not None and channel in OUTBOUND_QUIET:
        return Planned(channel, "deferred", address, not_before=release, reason="quiet_hours")
    return Planned(channel, "pending", address)


def _address(channel: str, recipient: Recipient) -> tuple[str | None, str | None]:
    if not recipient.known:
        return None, "recipient.unknown"
    if channel == "sms":
        if not recipient.phone:
            return None, "recipient.no_phone"
        if recipient.kind == "resident" and not recipient.sms_consent:
            return None, "recipient.no_consent"
        return recipient.phone, None
    if channel == "email":
        return (recipient.email, None) if recipient.email else (None, "recipient.no_email")
    if channel == "wecom":
        return (recipient.wecom_robot, None) if recipient.wecom_robot else (None, "community.no_wecom_robot")
    return None, f"channel.{channel}.unsupported"
