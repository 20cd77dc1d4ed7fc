"""Templates: every default renders; a bad one is refused with a specific code before it is saved."""
from __future__ import annotations

import pytest

from linli_notify.domain.rules import RULES
from linli_notify.domain.templates import Template, TemplateProblem, defaults, org_chain, render, validate


def test_every_seeded_template_renders_against_its_rule():
    for key, template in defaults().items():
        validate(key, template.body, template.subject)
    assert defaults()["task_overdue.email"].subject == "走访任务逾期"


def test_the_referral_sms_reads_well_with_and_without_an_interview():
    template = defaults()["referral_made.sms"]
    variables = dict(RULES["referral_made"].samples)
    assert "面试时间3月5日 09:30" in render(template, variables)[1]
    assert "面试" not in render(template, {**variables, "interview_at": None})[1]


@pytest.mark.parametrize("body, code", [
    ("{{ resident_name }} {{ id_number }}", "template.variable.unknown"),
    ("{% for t in tasks %}", "template.syntax"),
    ("{{ tasks.__class__ }}", "template.unsafe"),
    ("   ", "template.empty"),
    ("{{ resident_name }}" + "字" * 400, "template.too_long"),
])
def test_bad_templates_are_refused(body, code):
    key = "daily_digest.sms" if "tasks" in body else "task_assigned.sms"
    with pytest.raises(TemplateProblem) as caught:
        validate(key, body)
    assert caught.value.code == code


def test_an_unknown_key_and_a_broken_subject_are_refused():
    with pytest.raises(TemplateProblem, match="no rule"):
        validate("task_assigned.pigeon", "x")
    with pytest.raises(TemplateProblem) as caught:
        validate("task_assigned.email", "ok", subject="{{ secret }}")
    assert caught.value.code == "template.variable.unknown"


def test_rendering_a_stored_template_with_missing_data_fails_loudly_not_blank():
    with pytest.raises(TemplateProblem) as caught:
        render(Template("task_assigned.sms", "{{ resident_name }}"), {})
    assert caught.value.code == "template.render_failed"


@pytest.mark.parametrize("body", [
    "{% for a in range(5000) %}{% for b in range(5000) %}x{% endfor %}{% endfor %}",  # range() is capped
    "{{ 'x' * 10**9 }}", "{{ [1] * 100000 }}",  # repetition is capped before it allocates
    "{{ 'x'|center(1000000000) }}", "{{ resident_name.ljust(999999999) }}",  # widths are capped
    "{{ '{:>999999999}'.format(1) }}", "{{ '%0999999999d' % 1 }}",  # formats take widths from the string
    "{{ ('x' * 8000)|replace('', 'x' * 8000) }}",  # a value too big to keep is refused after one step
    "{{ 9**9**9 }}", "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
    "{% for a in range(200) %}{% for b in range(200) %}{{ resident_name }}{% endfor %}{% endfor %}",  # output
])
def test_a_template_that_would_build_too_much_is_too_costly(body):
    with pytest.raises(TemplateProblem) as caught:
        validate("task_assigned.email", body)
    assert caught.value.code == "template.too_costly"


def test_a_template_body_is_at_most_4_kib_and_a_message_at_most_8000_characters():
    with pytest.raises(TemplateProblem) as caught:
        validate("task_assigned.inbox", "{{ resident_name }}" + "字" * 1400)
    assert caught.value.code == "template.too_large"
    with pytest.raises(TemplateProblem) as caught:
        render(Template("task_assigned.inbox", "{{ resident_name }}"), {"resident_name": "x" * 8001})
    assert caught.value.code == "template.too_costly"


def test_templates_resolve_from_the_community_up_to_the_district():
    assert org_chain("130303001001") == ("130303001001", "130303001", "130303")
    assert org_chain("130303001") == ("130303001", "130303")
    assert org_chain("130303") == ("130303",)
