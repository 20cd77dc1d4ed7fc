"""The notify service's composition root: production defaults, every piece overridable in tests."""
from __future__ import annotations

import httpx
from fastapi import FastAPI

from linli_shared.clock import Clock
from linli_shared.http import create_service_app
from linli_shared.lease import Lease
from linli_shared.runtime import ServiceRuntime
from linli_shared.timers import periodic

from linli_notify.api import inbox, notifications, templates, webhooks
from linli_notify.api import settings as settings_api
from linli_notify.channels.base import Channel
from linli_notify.channels.dev_sink import DevSink
from linli_notify.channels.email import EmailChannel
from linli_notify.channels.http_hooks import WebhookChannel, WeComChannel
from linli_notify.channels.sms import SmsChannel
from linli_notify.channels.targets import TargetGuard
from linli_notify.domain.failover import Failover
from linli_notify.domain.ratelimit import RateLimiter
from linli_notify.domain.targets import TargetRefused
from linli_notify.service_layer.context import Notify
from linli_notify.service_layer.delivery import DeliveryWorker
from linli_notify.service_layer.digest import run_digest
from linli_notify.service_layer.renderer import Renderer
from linli_notify.settings import NotifySettings
from linli_notify.storage.indexes import INDEXES
from linli_notify.subscriptions import subscriptions


def build_channels(settings: NotifySettings, clock: Clock, http: httpx.AsyncClient,
                   guard: TargetGuard) -> dict[str, Channel]:
    """Webhooks always go out (an admin registered them); the rest go to the dev sink unless it is off."""
    channels: dict[str, Channel] = {"webhook": WebhookChannel(http, lambda: int(clock.now().timestamp()), guard)}
    if settings.dev_sink:
        return {**channels, **{name: DevSink(name) for name in ("sms", "email", "wecom")}}
    gateways = {name: url for name, url in (("primary", settings.sms_primary_url),
                                            ("backup", settings.sms_backup_url)) if url}
    channels["sms"] = SmsChannel(http, gateways, settings.sms_api_key.get_secret_value(), settings.sms_sign,
                                 Failover(tuple(gateways), settings.sms_failover_threshold,
                                          settings.sms_probe_after_seconds),
                                 lambda: clock.now().timestamp(), guard) if gateways else DevSink("sms")
    channels["email"] = EmailChannel(settings.smtp_host, settings.smtp_port, settings.smtp_from,
                                     settings.send_timeout_seconds, settings.smtp_username,
                                     settings.smtp_password.get_secret_value() if settings.smtp_password else None,
                                     settings.smtp_starttls)
    channels["wecom"] = WeComChannel(http, guard)
    return channels


def check_gateways(settings: NotifySettings, guard: TargetGuard) -> None:
    """In production a gateway URL that is plain http or internal (and not allow-listed) stops the start."""
    for name in ("sms_primary_url", "sms_backup_url"):
        url = getattr(settings, name)
        if url and not settings.dev_sink:
            try:
                guard.check_now(url)
            except TargetRefused as exc:
                raise ValueError(f"LINLI_NOTIFY_{name.upper()}: {exc.detail}") from exc


def create_app(settings: NotifySettings | None = None, clock: Clock | None = None,
               channels: dict[str, Channel] | None = None) -> FastAPI:
    settings = settings or NotifySettings()
    clock = clock or Clock(settings.timezone)
    runtime = ServiceRuntime(settings, INDEXES)
    guard = TargetGuard(settings.target_policy)
    check_gateways(settings, guard)
    http = httpx.AsyncClient(timeout=settings.send_timeout_seconds, follow_redirects=False)
    renderer = Renderer(settings.render_workers, settings.render_timeout_seconds, settings.render_memory_mb)
    ctx = Notify(uow=runtime.uow, db=runtime.db, clock=clock, settings=settings,
                 channels={**build_channels(settings, clock, http, guard), **(channels or {})},
                 limiter=RateLimiter(settings.rates), renderer=renderer, guard=guard,
                 closers=[http.aclose, renderer.close])
    runtime.subscriptions = subscriptions(ctx)
    runtime.workers["delivery"] = DeliveryWorker(ctx).run
    runtime.workers["digest"] = periodic("notify.digest", Lease(runtime.db, "notify.digest", runtime.owner),
                                         settings.digest_interval_seconds, lambda: run_digest(ctx))
    app = create_service_app(runtime, [inbox.router, notifications.router, settings_api.router, templates.router,
                              webhooks.router],
                             title="Linli notify (通知)")
    app.state.notify = ctx
    return app
