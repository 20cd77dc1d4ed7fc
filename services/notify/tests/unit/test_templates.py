"""Templates: every default renders; a bad one is refused with a specific code before it is saved."""
from __future__ import annotations

import pytest

from linli_notify.domain.rules import RULES
from linli_notify.domain.templates import Template, TemplateProblem, defaults, render, validate


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
