"""Chinese message templates per rule and channel: a sandboxed engine, validated before they are saved."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError, meta
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from linli_notify.domain.rules import RULES

SMS_MAX_CHARS = 300
_ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True)

_TASK_LINE = "{{ resident_name }}({{ reason_label }}),请于{{ due_by }}前完成"
_DIGEST = ("{{ recipient_name }}您好,{{ date }}您有{{ open_count }}项待走访任务,其中{{ overdue_count }}项已逾期:\n"
           "{% for t in tasks %}- {{ t.resident_name }}({{ t.reason_label }}),{{ t.due_by }}前"
           "{% if t.status == 'overdue' %}【已逾期】{% endif %}\n{% endfor %}")
_BODIES = {
    "task_assigned": "新走访任务:" + _TASK_LINE + "。",
    "task_overdue": "走访任务已逾期:" + _TASK_LINE + ",请尽快处理。",
    "task_urgent": "【紧急】{{ resident_name }}需{{ reason_label }},请于{{ due_by }}前安排上门。",
    "need_urgent": "【紧急】走访中发现居民急难诉求({{ category }}),请尽快协调解决。",
    "referral_made": "{{ seeker_name }}您好,社区已推荐您应聘{{ employer_name }}的{{ job_title }}岗位"
                     "{% if interview_at %},面试时间{{ interview_at }}{% endif %},如有疑问请联系社区。",
    "followup_due": "就业回访提醒:{{ resident_name }}上岗已满{{ check_day }}天,请于{{ due_date }}前回访。",
    "daily_digest": _DIGEST,
}
_CHANNEL_BODIES = {  # where the staff copy reads differently from what the resident gets
    "referral_made.inbox": "已推荐{{ seeker_name }}应聘{{ employer_name }}的{{ job_title }}岗位"
                           "{% if interview_at %},面试时间{{ interview_at }}{% endif %}。",
}
_SUBJECTS = {"task_assigned": "新走访任务", "task_overdue": "走访任务逾期", "task_urgent": "【紧急】走访任务",
             "need_urgent": "【紧急】居民诉求", "referral_made": "就业推荐", "followup_due": "就业回访提醒",
             "daily_digest": "今日走访任务汇总"}


@dataclass(frozen=True)
class Template:
    key: str
    body: str
    subject: str | None = None  # e-mail only


def template_key(rule: str, channel: str) -> str:
    return f"{rule}.{channel}"


def defaults() -> dict[str, Template]:
    """Every (rule, channel) pair that renders a message; webhooks carry the event itself."""
    seeded = {}
    for rule in RULES.values():
        for channel in rule.channels:
            key = template_key(rule.key, channel)
            subject = _SUBJECTS[rule.key] if channel == "email" else None
            seeded[key] = Template(key, _CHANNEL_BODIES.get(key, _BODIES[rule.key]), subject)
    return seeded


class TemplateProblem(ValueError):
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code, self.detail = code, detail


def validate(key: str, body: str, subject: str | None = None) -> Template:
    """Parse, check every variable is one the rule declares, and render against its samples.

    Raises TemplateProblem with a specific code; a template that passes cannot render blank.
    """
    rule_key, _, channel = key.rpartition(".")
    rule = RULES.get(rule_key)
    if rule is None or key not in defaults():
        raise TemplateProblem("template.not_found", f"no rule and channel called {key}")
    for part, source in (("body", body), ("subject", subject or "")):
        try:
            parsed = _ENV.parse(source)
        except TemplateSyntaxError as exc:
            raise TemplateProblem("template.syntax", f"{part}, line {exc.lineno}: {exc.message}") from exc
        unknown = meta.find_undeclared_variables(parsed) - rule.variables
        if unknown:
            raise TemplateProblem("template.variable.unknown",
                                  f"{part} uses {sorted(unknown)}; {rule.key} offers {sorted(rule.variables)}")
    template = Template(key, body, subject)
    text = render(template, rule.samples)
    if not text[1].strip():
        raise TemplateProblem("template.empty", "the body renders to nothing")
    if channel == "sms" and len(text[1]) > SMS_MAX_CHARS:
        raise TemplateProblem("template.too_long", f"an SMS renders to {len(text[1])} characters (max {SMS_MAX_CHARS})")
    return template


def render(template: Template, variables: Mapping[str, Any]) -> tuple[str | None, str]:
    """(subject, body); raises TemplateProblem('template.render_failed') instead of sending a broken text."""
    try:
        subject = _ENV.from_string(template.subject).render(variables).strip() if template.subject else None
        return subject, _ENV.from_string(template.body).render(variables).strip()
    except SecurityError as exc:
        raise TemplateProblem("template.unsafe", str(exc)) from exc
    except (UndefinedError, TypeError, ValueError, TemplateSyntaxError) as exc:
        raise TemplateProblem("template.render_failed", str(exc)) from exc
