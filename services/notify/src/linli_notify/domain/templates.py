"""Chinese message templates per rule and channel: a sandboxed engine, validated before they are saved."""
from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError, meta
from jinja2 import Template as Compiled
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from linli_notify.domain.rules import RULES

SMS_MAX_CHARS = 300
MAX_TEMPLATE_BYTES = 4096  # what an admin may save, body or subject
MAX_RENDERED_CHARS = 8000  # any message a template renders to (a digest of many tasks fits)
MAX_VALUE_CHARS = 20000  # any string or list a template builds on its way there
MAX_NUMBER = 10000  # the largest number a template may pass to a call or an operator (widths, repeats)
MAX_RANGE = 200  # range() in a template; nested loops past what rendering time allows are cut off by the timeout


class TooCostly(SecurityError):
    """A template that would take more time, memory or output than a message needs."""


def _bounded_range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise TooCostly(f"range() of {len(numbers)} items (max {MAX_RANGE})")
    return numbers


def _check_size(value: Any) -> Any:
    if isinstance(value, str | bytes | list | tuple) and len(value) > MAX_VALUE_CHARS:
        raise TooCostly(f"a value of {len(value)} items (max {MAX_VALUE_CHARS})")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2 ** 64:
        raise TooCostly("a number beyond 2**64")
    return value


def _check_numbers(args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    for arg in (*args, *kwargs.values()):
        if isinstance(arg, int | float) and not isinstance(arg, bool) and abs(arg) > MAX_NUMBER:
            raise TooCostly(f"a number argument of {arg} (max {MAX_NUMBER})")


def _bounded_filter(func: Callable[..., Any]) -> Callable[..., Any]:
    """Filters are called directly (and at compile time, when their arguments are constants): check them here."""
    skip = 2 if getattr(func, "jinja_pass_arg", None) else 1  # (context,) value, then the template's arguments

    @functools.wraps(func)  # keeps jinja_pass_arg, so the compiler still passes the context first
    def bounded(*args: Any, **kwargs: Any) -> Any:
        _check_numbers(args[skip:], kwargs)
        return _check_size(func(*args, **kwargs))
    return bounded


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """The sandbox, with no call, operator or filter able to build a huge value in one step.

    Time is bounded outside (a worker process killed past its timeout); output here, by `render`.
    """

    intercepted_binops = frozenset({"*", "**", "%", "+", "//"})
    _NO_FILTERS = frozenset({"format", "xmlattr", "pprint", "urlize", "filesizeformat", "wordcount"})
    _NO_STR_METHODS = frozenset({"format", "format_map", "expandtabs"})

    def __init__(self) -> None:
        super().__init__(undefined=StrictUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True)
        self.globals = {"range": _bounded_range, "dict": dict}  # no lipsum, cycler, joiner or namespace
        self.filters = {name: _bounded_filter(func) for name, func in self.filters.items()
                        if name not in self._NO_FILTERS}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, str) and attr in self._NO_STR_METHODS:
            return False
        return super().is_safe_attribute(obj, attr, value)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """str.format takes its widths from the string itself (`{:>999999999}`): not offered at all."""
        if super().wrap_str_format(value) is None:
            return None

        def refused(*args: Any, **kwargs: Any) -> str:
            raise TooCostly("str.format is not available in templates")
        return refused

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        _check_numbers(args, kwargs)
        return _check_size(super().call(__context, __obj, *args, **kwargs))

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "%" and isinstance(left, str):
            raise TooCostly("printf-style % formatting is not available in templates")
        if operator == "**" and isinstance(right, int | float) and abs(right) > 64:
            raise TooCostly(f"a power of {right} (max 64)")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(times, int) \
                        and len(seq) * times > MAX_VALUE_CHARS:
                    raise TooCostly(f"repeating {len(seq)} items {times} times (max {MAX_VALUE_CHARS})")
        _check_size(left), _check_size(right)
        return _check_size(super().call_binop(context, operator, left, right))


_ENV = BoundedSandbox()

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
    org_code: str | None = None  # the org that saved it; None: the built-in default, code we ship


def template_key(rule: str, channel: str) -> str:
    return f"{rule}.{channel}"


TEMPLATE_ORG_LENGTHS = (12, 9, 6)  # community, street, district: the orgs that may keep templates


def org_chain(org_code: str) -> tuple[str, ...]:
    """The org and those above it, nearest first: a community's template wins over its street's and district's."""
    return tuple(org_code[:n] for n in TEMPLATE_ORG_LENGTHS if n <= len(org_code))


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
        if len(source.encode()) > MAX_TEMPLATE_BYTES:
            raise TemplateProblem("template.too_large", f"the {part} is over {MAX_TEMPLATE_BYTES} bytes")
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
    """(subject, body); raises TemplateProblem instead of sending a broken text or building a huge one.

    CPU-bound and unbounded in time on its own: stored templates render in the renderer's worker processes.
    """
    try:
        subject = _bounded_output(_compiled(template.subject), variables) if template.subject else None
        return subject, _bounded_output(_compiled(template.body), variables)
    except TooCostly as exc:
        raise TemplateProblem("template.too_costly", str(exc)) from exc
    except (MemoryError, RecursionError) as exc:
        raise TemplateProblem("template.too_costly", type(exc).__name__) from exc
    except SecurityError as exc:
        raise TemplateProblem("template.unsafe", str(exc)) from exc
    except (UndefinedError, TypeError, ValueError, ArithmeticError, LookupError, TemplateSyntaxError) as exc:
        raise TemplateProblem("template.render_failed", str(exc)) from exc


@functools.lru_cache(maxsize=256)
def _compiled(source: str) -> Compiled:
    return _ENV.from_string(source)


def _bounded_output(compiled: Compiled, variables: Mapping[str, Any]) -> str:
    """Streamed, so a template that would write too much stops at the cap instead of after the damage."""
    parts, size = [], 0
    for part in compiled.generate(variables):
        size += len(part)
        if size > MAX_RENDERED_CHARS:
            raise TooCostly(f"the message would be over {MAX_RENDERED_CHARS} characters")
        parts.append(part)
    return "".join(parts).strip()
