"""Two HTTP ways out: a WeCom (企业微信) group robot, and outside subscribers' signed webhooks."""
from __future__ import annotations

from collections.abc import Callable

import httpx

from linli_notify.channels.base import Message, refused_target, transport_failure
from linli_notify.channels.targets import TargetGuard
from linli_notify.domain.retry import Outcome, classify_http, ok, permanent, temporary
from linli_notify.domain.signing import DELIVERY_ID_HEADER, EVENT_ID_HEADER, SIGNATURE_HEADER, sign

_WECOM_TEMPORARY = {-1, 45009, 45033}  # busy, too frequent, too many concurrent


class WeComChannel:
    name = "wecom"

    def __init__(self, http: httpx.AsyncClient, guard: TargetGuard) -> None:
        self.http, self.guard = http, guard

    async def send(self, message: Message) -> Outcome:
        refused = await refused_target(self.guard, "wecom", message.address)
        if refused is not None:
            return refused
        text = {"content": message.body, **({"mentioned_list": [message.mention]} if message.mention else {})}
        try:
            response = await self.http.post(message.address, json={"msgtype": "text", "text": text})
        except httpx.HTTPError as exc:
            return transport_failure("wecom", exc)
        if response.status_code != 200:
            return classify_http(response.status_code, "wecom")
        try:  # the errcode only: the body is the peer's, and never kept or logged
            errcode = int(response.json().get("errcode", -1))
        except (ValueError, AttributeError, TypeError):
            return temporary("wecom.bad_response", http_status=200)
        if errcode == 0:
            return ok("wecom")
        kind = temporary if errcode in _WECOM_TEMPORARY else permanent
        return kind(f"wecom.errcode_{errcode}", http_status=200)


class WebhookChannel:
    name = "webhook"

    def __init__(self, http: httpx.AsyncClient, unix_now: Callable[[], int], guard: TargetGuard) -> None:
        self.http, self.unix_now, self.guard = http, unix_now, guard

    async def send(self, message: Message) -> Outcome:
        if not message.secret:
            return permanent("webhook.gone", "the subscription was deleted")
        refused = await refused_target(self.guard, "webhook", message.address)
        if refused is not None:
            return refused
        body = message.body.encode()
        headers = {"Content-Type": "application/cloudevents+json; charset=utf-8",
                   SIGNATURE_HEADER: sign(message.secret, self.unix_now(), body),
                   EVENT_ID_HEADER: message.event_id, DELIVERY_ID_HEADER: message.notification_id}
        try:
            response = await self.http.post(message.address, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return transport_failure("webhook", exc)
        return classify_http(response.status_code, "webhook", "webhook")
