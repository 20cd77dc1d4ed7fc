"""The notify service's events: what happened to a delivery. Never a phone number or a message body."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from linli_shared.events import EventData

Channel = Literal["inbox", "sms", "email", "wecom", "webhook"]
RecipientKind = Literal["staff", "resident", "webhook", "group"]


class DeliveryFacts(EventData):
    notification_id: str
    community_code: str
    source_event_id: str
    source_event_type: str
    rule: str
    channel: Channel
    recipient_kind: RecipientKind
    recipient_id: str
    address_masked: str | None = None  # 138****5678, w***@example.org, a webhook's host
    attempts: int


class NotificationDelivered(DeliveryFacts):
    TYPE = "linli.notify.notification.delivered.v1"
    provider: str | None = None
    sent_at: datetime


class NotificationFailed(DeliveryFacts):
    TYPE = "linli.notify.notification.failed.v1"
    status: Literal["failed", "dead"]  # failed: permanent error; dead: temporary errors until attempts ran out
    error_code: str
