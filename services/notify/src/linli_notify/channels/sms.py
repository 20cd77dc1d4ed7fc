"""SMS through an HTTP gateway, with a backup gateway that takes over past a run of temporary failures.

The gateway contract (the shape of the common Chinese SMS APIs): POST JSON {phone, sign, content, request_id}
with `Authorization: Bearer <key>`; 200 with {"code": "OK"} is sent; any other code is an error even on 200.
"""
from __future__ import annotations

from collections.abc import Callable

import httpx

from linli_notify.channels.base import Message, transport_failure
from linli_notify.domain.failover import Failover
from linli_notify.domain.retry import Outcome, classify_http, ok, permanent, temporary

# Codes that no retry can fix: a bad or blocked number, a refused signature or template.
PERMANENT_CODES = frozenset({"MOBILE_NUMBER_ILLEGAL", "BLACK_KEY_CONTROL_LIMIT", "SIGN_ILLEGAL",
                             "TEMPLATE_ILLEGAL", "CONTENT_ILLEGAL", "UNSUBSCRIBED"})


class SmsChannel:
    name = "sms"

    def __init__(self, http: httpx.AsyncClient, gateways: dict[str, str], api_key: str, sign: str,
                 failover: Failover, now: Callable[[], float]) -> None:
        self.http, self.gateways, self.api_key, self.sign = http, gateways, api_key, sign
        self.failover, self.now = failover, now

    async def send(self, message: Message) -> Outcome:
        provider = self.failover.choose(self.now())
        outcome = await self._post(provider, message)
        self.failover.record(provider, outcome.ok, outcome.kind == "temporary", self.now())
        return outcome

    async def _post(self, provider: str, message: Message) -> Outcome:
        body = {"phone": message.address, "sign": self.sign, "content": message.body,
                "request_id": message.notification_id}
        try:
            response = await self.http.post(self.gateways[provider], json=body,
                                            headers={"Authorization": f"Bearer {self.api_key}"})
        except httpx.HTTPError as exc:
            return transport_failure("sms", exc, provider)
        if response.status_code != 200:
            return classify_http(response.status_code, "sms", provider)
        try:
            code = str(response.json().get("code"))
        except (ValueError, AttributeError):
            return temporary("sms.bad_response", response.text[:200], provider)
        if code == "OK":
            return ok(provider)
        if code in PERMANENT_CODES:
            return permanent(f"sms.{code.lower()}", response.text[:200], provider)
        return temporary(f"sms.{code.lower()}", response.text[:200], provider)
