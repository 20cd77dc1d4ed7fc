"""SMS through an HTTP gateway, with a backup gateway that takes over past a run of temporary failures.

The gateway contract (the shape of the common Chinese SMS APIs): POST JSON {phone, sign, content, request_id}
with `Authorization: Bearer <key>`; 200 with {"code": "OK"} is sent; any other code is an error even on 200.
"""
from __future__ import annotations

import re
from collections.abc import Callable

import httpx

from linli_notify.channels.base import Message, refused_target, transport_failure
from linli_notify.channels.targets import TargetGuard
from linli_notify.domain.failover import Failover
from linli_notify.domain.retry import Outcome, classify_http, ok, permanent, temporary

# Codes that no retry can fix: a bad or blocked number, a refused signature or template.
_CODE = re.compile(r"[A-Za-z0-9_]{1,40}")  # a gateway's code becomes ours only if it looks like one
PERMANENT_CODES = frozenset({"MOBILE_NUMBER_ILLEGAL", "BLACK_KEY_CONTROL_LIMIT", "SIGN_ILLEGAL",
                             "TEMPLATE_ILLEGAL", "CONTENT_ILLEGAL", "UNSUBSCRIBED"})


class SmsChannel:
    name = "sms"

    def __init__(self, http: httpx.AsyncClient, gateways: dict[str, str], api_key: str, sign: str,
                 failover: Failover, now: Callable[[], float], guard: TargetGuard) -> None:
        self.http, self.gateways, self.api_key, self.sign = http, gateways, api_key, sign
        self.failover, self.now, self.guard = failover, now, guard

    async def send(self, message: Message) -> Outcome:
        provider = self.failover.choose(self.now())
        outcome = await self._post(provider, message)
        self.failover.record(provider, outcome.ok, outcome.kind == "temporary", self.now())
        return outcome

    async def _post(self, provider: str, message: Message) -> Outcome:
        body = {"phone": message.address, "sign": self.sign, "content": message.body,
                "request_id": message.notification_id}
        refused = await refused_target(self.guard, "sms", self.gateways[provider], provider)
        if refused is not None:
            return refused
        try:
            response = await self.http.post(self.gateways[provider], json=body,
                                            headers={"Authorization": f"Bearer {self.api_key}"})
        except httpx.HTTPError as exc:
            return transport_failure("sms", exc, provider)
        if response.status_code != 200:
            return classify_http(response.status_code, "sms", provider)
        try:  # the code only: the body is the peer's, and never kept or logged
            code = str(response.json().get("code"))
        except (ValueError, AttributeError):
            return temporary("sms.bad_response", provider=provider, http_status=200)
        if code == "OK":
            return ok(provider)
        if code in PERMANENT_CODES:
            return permanent(f"sms.{code.lower()}", provider=provider, http_status=200)
        named = code.lower() if _CODE.fullmatch(code) else "unknown_code"
        return temporary(f"sms.{named}", provider=provider, http_status=200)
