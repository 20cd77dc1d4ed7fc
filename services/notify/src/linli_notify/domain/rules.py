"""The rules table: which event tells whom, on which channels, with which template, and how urgently."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Resolver = Literal["assignee", "assignee_and_admins", "admins", "seeker_and_referrer", "referrer", "digest"]
STAFF_CHANNELS = ("inbox", "email", "sms", "wecom")
CHANNELS = ("inbox", "sms", "email", "wecom", "webhook")
VISITS, EMPLOYMENT = "linli.visits", "linli.employment"

_TASK = {"resident_name": "周凤兰", "reason": "hospitalized", "reason_label": "住院探望", "due_by": "2025-03-04",
         "due_from": "2025-03-01", "task_id": "t-1", "community_code": "130303001001", "recipient_name": "李红"}


@dataclass(frozen=True)
class Rule:
    key: str
    event_type: str | None  # None: raised by a timer (the digest), not by an event
    recipients: Resolver
    channels: tuple[str, ...]
    critical: bool = False
    applies: Callable[[Mapping[str, Any]], bool] = field(default=lambda data: True, compare=False)
    samples: Mapping[str, Any] = field(default_factory=dict, compare=False)  # the declared variables

    @property
    def variables(self) -> frozenset[str]:
        return frozenset(self.samples)


RULES: dict[str, Rule] = {rule.key: rule for rule in (
    Rule("task_assigned", f"{VISITS}.task.assigned.v1", "assignee", STAFF_CHANNELS, samples=_TASK),
    Rule("task_overdue", f"{VISITS}.task.overdue.v1", "assignee_and_admins", STAFF_CHANNELS, samples=_TASK),
    # A mandatory visit for a hospitalisation or a special situation: admins hear at once, day or night.
    Rule("task_urgent", f"{VISITS}.task.created.v1", "admins", STAFF_CHANNELS, critical=True,
         applies=lambda data: bool(data.get("urgent")), samples=_TASK),
    Rule("need_urgent", f"{VISITS}.need.reported.v1", "admins", STAFF_CHANNELS, critical=True,
         applies=lambda data: bool(data.get("urgent")),
         samples={"category": "用电", "need_id": "n-1", "resident_id": "r-1", "community_code": "130303001001",
                  "recipient_name": "李红"}),
    # The seeker by SMS (consent and a phone needed); the referring worker gets an inbox copy.
    Rule("referral_made", f"{EMPLOYMENT}.referral.made.v1", "seeker_and_referrer", ("inbox", "sms"),
         samples={"recipient_name": "王秀英", "seeker_name": "王秀英", "job_title": "保洁员",
                  "employer_name": "海港宾馆", "interview_at": "3月5日 09:30", "referral_id": "ref-1"}),
    Rule("followup_due", f"{EMPLOYMENT}.placement.followup_due.v1", "referrer", STAFF_CHANNELS,
         samples={"recipient_name": "李红", "resident_name": "王秀英", "check_day": 30, "due_date": "2025-04-01",
                  "start_date": "2025-03-01", "placement_id": "p-1"}),
    Rule("daily_digest", None, "digest", STAFF_CHANNELS,
         samples={"recipient_name": "李红", "date": "2025-03-01", "open_count": 2, "overdue_count": 1,
                  "tasks": [{"resident_name": "周凤兰", "reason_label": "例行走访", "due_by": "2025-03-04",
                             "status": "open"}]}),
)}


def rules_for(event_type: str, data: Mapping[str, Any]) -> list[Rule]:
    return [rule for rule in RULES.values() if rule.event_type == event_type and rule.applies(data)]


class RuleOverride(BaseModel):
    """A community's change to one rule: switch it off, narrow its channels, or make it critical."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    enabled: bool = True
    channels: tuple[str, ...] | None = Field(None, max_length=len(CHANNELS))
    critical: bool | None = None


def effective(rule: Rule, override: RuleOverride | None) -> Rule | None:
    """The rule as a community runs it; None when the community switched it off."""
    if override is None:
        return rule
    if not override.enabled:
        return None
    channels = tuple(c for c in rule.channels if c in override.channels) if override.channels is not None \
        else rule.channels
    critical = rule.critical if override.critical is None else override.critical
    return replace(rule, channels=channels, critical=critical)


REASON_LABELS = {"routine": "例行走访", "hospitalized": "住院探望", "major_event": "遇大事走访",
                 "special_situation": "特殊情况走访", "festival": "节日慰问", "birthday": "生日走访",
                 "follow_up": "就业回访"}
