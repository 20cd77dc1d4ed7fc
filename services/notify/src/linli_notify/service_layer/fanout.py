"""From one event to its notifications: rules → recipients → channels (now, later or skipped) → the log."""
from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from linli_shared.events import CloudEvent
from linli_shared.logging import get_logger
from linli_shared.outbox import Tx
from linli_shared.privacy import outside_view

from linli_notify.domain import planning
from linli_notify.domain.data_classes import granted_view
from linli_notify.domain.planning import Recipient
from linli_notify.domain.rules import REASON_LABELS, Rule, RuleOverride, effective, rules_for
from linli_notify.domain.templates import Template, TemplateProblem, defaults, render, template_key
from linli_notify.service_layer import recipients
from linli_notify.service_layer.context import Notify
from linli_notify.storage import notifications, webhooks
from linli_notify.storage import recipients as kept
from linli_notify.storage import templates as stored_templates
from linli_notify.storage.notifications import Notification
from linli_notify.storage.webhooks import Webhook

log = get_logger()
STAFF_FIELDS = ("assignee", "referred_by")  # where an event names the staff members its rules may reach


class Reads:
    """What fanning out reads, each read once per transaction: a run of 100 task events names a few assignees,
    one community and one template, and the rules would otherwise read each of them once per event.

    Lives for one transaction (a run's, a digest's), in which nothing it holds is written.
    """

    def __init__(self, tx: Tx) -> None:
        self.tx = tx
        self._held: dict[tuple[str, ...], Any] = {}

    async def _once(self, key: tuple[str, ...], read: Callable[[], Awaitable[Any]]) -> Any:
        if key not in self._held:
            self._held[key] = await read()
        return self._held[key]

    async def community_settings(self, community: str) -> tuple[dict[str, RuleOverride], str | None]:
        return await self._once(("settings", community),
                                lambda: recipients.community_settings(self.tx.db, community, self.tx.session))

    async def staff(self, staff_id: str, robot: str | None) -> Recipient:
        contact = await self._once(("staff", staff_id), lambda: kept.staff(self.tx, staff_id))
        return recipients.staff_recipient(contact, staff_id, robot)

    async def know_staff(self, staff_ids: set[str]) -> None:
        """Read these staff members' contacts and preferences now, in one query each, for the rules to come."""
        staff_ids = {s for s in staff_ids if ("staff", s) not in self._held}
        if not staff_ids:
            return
        contacts = await kept.staff_by_id(self.tx, staff_ids)
        prefs = await recipients.preferences_of(self.tx.db, staff_ids, self.tx.session)
        for staff_id in staff_ids:
            self._held[("staff", staff_id)] = contacts.get(staff_id)
            self._held[("preferences", staff_id)] = prefs[staff_id]

    async def admins(self, community: str, robot: str | None) -> list[Recipient]:
        return await self._once(("admins", community, robot or ""),
                                lambda: recipients.admins(self.tx, community, robot))

    async def resident(self, resident_id: str) -> Recipient:
        return await self._once(("resident", resident_id), lambda: recipients.resident(self.tx, resident_id))

    async def resident_name(self, resident_id: str | None) -> str:
        return await self._once(("resident_name", resident_id or ""),
                                lambda: kept.resident_name(self.tx, resident_id))

    async def preferences(self, recipient_id: str) -> planning.Preferences:
        return await self._once(("preferences", recipient_id),
                                lambda: recipients.preferences(self.tx.db, recipient_id, self.tx.session))

    async def template(self, rule_key: str, channel: str, community: str) -> Template:
        """The community's own template, else its street's, else its district's, else the built-in one."""
        key = template_key(rule_key, channel)
        return await self._once(("template", community, key), lambda: self._nearest(community, key))

    async def _nearest(self, community: str, key: str) -> Template:
        return await stored_templates.nearest(self.tx, community, key) or defaults()[key]


async def notify_event(ctx: Notify, event: CloudEvent, tx: Tx,
                       hooks: list[Webhook] | None = None) -> list[Notification]:
    """Every notification one event causes, stored once; the worker sends the ones not sent here.

    `hooks`: the active webhooks for at least this event's type, when the caller read them for a run of events.
    """
    return await _store(ctx, tx, await event_docs(ctx, Reads(tx), event, hooks))


async def notify_run(ctx: Notify, events: list[CloudEvent], tx: Tx, hooks: list[Webhook]) -> list[Notification]:
    """`notify_event` for a run of events in one transaction: what they read is read once, and their
    notifications are stored together (one read of the log, one insert). `hooks`: the run's webhooks."""
    reads = Reads(tx)
    await reads.know_staff({event.data[field] for event in events for field in STAFF_FIELDS
                            if _is_staff(event.data.get(field))})
    docs: list[Notification] = []
    for event in events:
        docs += await event_docs(ctx, reads, event, hooks)
    return await _store(ctx, tx, docs)


async def event_docs(ctx: Notify, reads: Reads, event: CloudEvent,
                     hooks: list[Webhook] | None = None) -> list[Notification]:
    """The notifications one event causes, not yet stored."""
    data = event.data
    community = data.get("community_code") or event.community
    rules = rules_for(event.type, data)
    # Most events only feed a projection: no rule, so no settings to read.
    overrides, robot = await reads.community_settings(community) if rules else ({}, None)
    docs: list[Notification] = []
    for rule in rules:
        rule = effective(rule, overrides.get(rule.key))
        if rule is None:
            continue
        for recipient in await resolve(rule, data, reads, community, robot):
            variables = {**await variables_for(rule, data, reads, ctx.clock.zone),
                         "recipient_name": recipient.name or ""}
            docs += await plan_docs(ctx, reads, rule, recipient, variables, event.id, event.type, community,
                                    event.traceparent)
    return docs + await webhook_docs(ctx, reads.tx, event, hooks)


async def plan_docs(ctx: Notify, reads: Reads, rule: Rule, recipient: Recipient, variables: Mapping[str, Any],
                    event_id: str, event_type: str, community: str, traceparent: str | None) -> list[Notification]:
    now = ctx.clock.now()
    prefs = await reads.preferences(recipient.id)
    quiet = None if rule.critical else _quiet(prefs, ctx)
    docs = []
    for planned in planning.plan(rule, recipient, prefs, now, ctx.clock.zone, ctx.default_quiet):
        fields: dict[str, Any] = {"address": planned.address, "reason": planned.reason, "critical": rule.critical,
                                  "not_before": planned.not_before, "recipient_name": recipient.name,
                                  "quiet": quiet if planned.channel in planning.OUTBOUND_QUIET else None}
        if planned.channel == "wecom":
            fields["mention"] = recipient.wecom_userid
        status = planned.status
        if status != "skipped":
            try:
                fields["subject"], fields["body"] = await rendered(ctx, reads, rule.key, planned.channel, community,
                                                                   variables)
            except TemplateProblem as exc:
                status, fields["reason"] = "failed", exc.code
        docs.append(notifications.new_doc(
            event_id=event_id, event_type=event_type, rule=rule.key, community=community,
            recipient_kind=recipient.kind, recipient_id=recipient.id, channel=planned.channel, status=status,
            now=now, traceparent=traceparent, max_attempts=ctx.settings.max_attempts, **fields))
    return docs


async def _store(ctx: Notify, tx: Tx, docs: list[Notification]) -> list[Notification]:
    fresh = await notifications.store(tx, docs)
    if any(d.status == "pending" for d in fresh):
        ctx.new_work.ring()
    return fresh


def _quiet(prefs: planning.Preferences, ctx: Notify) -> list[str]:
    start, end = (prefs.quiet_start, prefs.quiet_end) if prefs.quiet_start and prefs.quiet_end else ctx.default_quiet
    return [start.strftime("%H:%M"), end.strftime("%H:%M")]


async def resolve(rule: Rule, data: Mapping[str, Any], reads: Reads, community: str,
                  robot: str | None) -> list[Recipient]:
    match rule.recipients:
        case "assignee" | "assignee_and_admins":
            found = [await reads.staff(data["assignee"], robot)] if _is_staff(data.get("assignee")) else []
            if rule.recipients == "assignee_and_admins":
                found += [a for a in await reads.admins(community, robot) if a.id not in {f.id for f in found}]
            return found
        case "admins":
            return await reads.admins(community, robot)
        case "seeker_and_referrer":
            seeker = await reads.resident(data["resident_id"])
            referrer = await reads.staff(data["referred_by"], robot) if data.get("referred_by") else None
            return [seeker] + ([replace(referrer, only=("inbox",))] if referrer else [])
        case "referrer":
            return [await reads.staff(data["referred_by"], robot)] if data.get("referred_by") else []
    return []


def _is_staff(assignee: str | None) -> bool:
    """Volunteers (一助一) carry routine visits as `volunteer:<resident id>`; they have no inbox here."""
    return bool(assignee) and not assignee.startswith("volunteer:")


async def variables_for(rule: Rule, data: Mapping[str, Any], reads: Reads, zone: ZoneInfo) -> dict[str, Any]:
    variables = {name: data.get(name) for name in rule.variables if name in data}
    if "reason" in data:
        variables["reason_label"] = REASON_LABELS.get(data["reason"], data["reason"])
    if rule.key == "referral_made":
        variables["interview_at"] = _local_time(data.get("interview_at"), zone)
    if rule.key == "referral_made":
        variables["seeker_name"] = await reads.resident_name(data.get("resident_id"))
    if rule.key == "followup_due":
        variables["resident_name"] = await reads.resident_name(data.get("resident_id"))
    return {name: variables.get(name) for name in rule.variables if name != "recipient_name"}


def _local_time(value: str | None, zone: ZoneInfo) -> str | None:
    """An RFC 3339 interview time as a resident reads it: 3月5日 09:30, Beijing time."""
    if not value:
        return None
    moment = datetime.fromisoformat(value).astimezone(zone)
    return f"{moment.month}月{moment.day}日 {moment:%H:%M}"


async def rendered(ctx: Notify, reads: Reads, rule_key: str, channel: str, community: str,
                   variables: Mapping[str, Any]) -> tuple[str | None, str]:
    """A saved template that fails now (too slow, too big, data it cannot take) falls back to the built-in one:
    people are still told, and one bad template never holds up the others."""
    template = await reads.template(rule_key, channel, community)
    try:
        return await ctx.renderer.render(template, variables)
    except TemplateProblem as exc:
        if template.org_code is None:
            raise
        log.warning("notify.template_failed", template=template.key, org=template.org_code, community=community,
                    code=exc.code, detail=exc.detail)
        return render(defaults()[template.key], variables)


async def active_webhooks(tx: Tx, event_types: set[str]) -> list[Webhook]:
    return await webhooks.subscribed(tx, event_types)


async def webhook_docs(ctx: Notify, tx: Tx, event: CloudEvent,
                       hooks: list[Webhook] | None = None) -> list[Notification]:
    """Outside subscribers get the event's identifiers and the data classes they were granted (phones masked),
    signed when it is sent; what personal data each carries is kept for the trail at send time."""
    hooks = [hook for hook in hooks if event.type in hook.event_types] if hooks is not None \
        else await active_webhooks(tx, {event.type})
    docs = []
    for hook in hooks:
        if not event.community.startswith(hook.org_code):
            continue
        data, personal = granted_view(event.data, frozenset(hook.data_classes), event.service)
        body = event.model_copy(update={"data": outside_view(data)}).model_dump_json(exclude={"traceparent"})
        revealed = {"actor": hook.created_by or hook.id, "fields": personal,
                    "subject_ids": [event.data.get("resident_id") or event.subject]} if personal else None
        docs.append(notifications.new_doc(
            event_id=event.id, event_type=event.type, rule="webhook", community=event.community,
            recipient_kind="webhook", recipient_id=hook.id, channel="webhook", status="pending",
            now=ctx.clock.now(), traceparent=event.traceparent, max_attempts=ctx.settings.max_attempts,
            address=hook.url, body=body, subject=None, critical=False, quiet=None, reason=None,
            revealed=revealed))
    return docs
