"""The local run's way out: log what would have been sent (masked) and pretend it went."""
from __future__ import annotations

from linli_shared.logging import get_logger
from linli_shared.privacy import redact_text

from linli_notify.channels.base import Message
from linli_notify.domain.addresses import mask_address
from linli_notify.domain.retry import Outcome, ok

log = get_logger()


class DevSink:
    def __init__(self, name: str) -> None:
        self.name = name

    async def send(self, message: Message) -> Outcome:
        log.info("notify.dev_sink", channel=self.name, notification_id=message.notification_id,
                 address=mask_address(self.name, message.address), body=redact_text(message.body)[:500])
        return ok("dev_sink")
