"""Quiet hours in Asia/Shanghai, and what each recipient gets on which channel, and why not."""
from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from linli_notify.domain.planning import Preferences, Recipient, plan
from linli_notify.domain.quiet import in_quiet_hours, parse_hhmm, quiet_until
from linli_notify.domain.rules import RULES, RuleOverride, effective, rules_for

SH = ZoneInfo("Asia/Shanghai")
NIGHT = (time(21), time(8))


def at(hour: int, minute: int = 0, day: int = 3) -> datetime:
    return datetime(2025, 3, day, hour, minute, tzinfo=SH).astimezone(UTC)


@pytest.mark.parametrize("local, quiet", [(time(20, 59), False), (time(21), True), (time(23, 59), True),
                                          (time(0), True), (time(7, 59), True), (time(8), False), (time(12), False)])
def test_a_window_across_midnight(local, quiet):
    assert in_quiet_hours(local, *NIGHT) is quiet


def test_a_daytime_window_and_an_empty_one():
    assert in_quiet_hours(time(13), time(12), time(14)) and not in_quiet_hours(time(14), time(12), time(14))
    assert not in_quiet_hours(time(3), time(8), time(8))


def test_quiet_until_is_the_next_end_of_the_window_in_local_time():
    assert quiet_until(at(22, 30), *NIGHT, SH) == datetime(2025, 3, 4, 8, tzinfo=SH)
    assert quiet_until(at(6, 15), *NIGHT, SH) == datetime(2025, 3, 3, 8, tzinfo=SH)
    assert quiet_until(at(8), *NIGHT, SH) is None


def test_parse_hhmm_refuses_anything_else():
    assert parse_hhmm("07:30") == time(7, 30)
    for bad in ("7:30", "24:00", "07:60", "ab:cd", "0730", "０７:３０"):
        with pytest.raises(ValueError, match="is not HH:MM"):
            parse_hhmm(bad)


def test_rules_pick_urgent_events_only_where_the_rule_says():
    assert [r.key for r in rules_for("linli.visits.task.created.v1", {"urgent": True})] == ["task_urgent"]
    assert rules_for("linli.visits.task.created.v1", {"urgent": False}) == []
    assert RULES["task_urgent"].critical and not RULES["task_assigned"].critical


def test_a_community_override_switches_off_narrows_or_escalates():
    rule = RULES["task_overdue"]
    assert effective(rule, RuleOverride(enabled=False)) is None
    narrowed = effective(rule, RuleOverride(channels=("inbox", "pigeon")))
    assert narrowed.channels == ("inbox",)
    assert effective(rule, RuleOverride(critical=True)).critical and effective(rule, None) is rule


RESIDENT = Recipient("resident", "r-1", "王秀英", phone="13812345678", sms_consent=True)


DEFAULTS = Preferences()


def _plan(rule: str, recipient: Recipient, when: datetime, prefs: Preferences = DEFAULTS):
    return [(p.channel, p.status, p.reason) for p in plan(RULES[rule], recipient, prefs, when, SH, NIGHT)]


def test_a_resident_is_texted_by_day_and_deferred_at_night():
    assert _plan("referral_made", RESIDENT, at(10)) == [("sms", "pending", None)]
    [deferred] = plan(RULES["referral_made"], RESIDENT, Preferences(), at(22, 30), SH, NIGHT)
    assert (deferred.status, deferred.not_before) == ("deferred", datetime(2025, 3, 4, 8, tzinfo=SH))


def test_unreachable_residents_are_skipped_with_a_reason():
    from dataclasses import replace
    assert _plan("referral_made", replace(RESIDENT, phone=None), at(10)) == [("sms", "skipped", "recipient.no_phone")]
    assert _plan("referral_made", replace(RESIDENT, sms_consent=False), at(10)) == [
        ("sms", "skipped", "recipient.no_consent")]


def test_staff_always_get_the_inbox_and_their_chosen_channels():
    worker = Recipient("staff", "w1", "李红", email="w1@example.org")
    assert _plan("task_assigned", worker, at(10)) == [("inbox", "sent", None)]
    prefs = Preferences(channels=("email", "sms", "wecom"))
    assert _plan("task_assigned", worker, at(22), prefs) == [
        ("inbox", "sent", None), ("email", "deferred", "quiet_hours"), ("sms", "skipped", "recipient.no_phone"),
        ("wecom", "skipped", "community.no_wecom_robot")]
    unknown = Recipient("staff", "w9", known=False)
    assert _plan("task_assigned", unknown, at(10), prefs)[1] == ("email", "skipped", "recipient.unknown")


def test_critical_ignores_quiet_hours_and_opt_outs_others_respect_them():
    admin = Recipient("staff", "a1", phone="13900001111")
    prefs = Preferences(channels=("sms",), opt_outs=frozenset({"task_urgent", "task_assigned"}))
    assert _plan("task_urgent", admin, at(23), prefs) == [("inbox", "sent", None), ("sms", "pending", None)]
    assert _plan("task_assigned", admin, at(10), prefs) == [("inbox", "skipped", "recipient.opted_out"),
                                                           ("sms", "skipped", "recipient.opted_out")]


def test_own_quiet_hours_replace_the_default():
    prefs = Preferences(quiet_start=time(12), quiet_end=time(14))
    assert _plan("referral_made", RESIDENT, at(22), prefs) == [("sms", "pending", None)]
    assert _plan("referral_made", RESIDENT, at(13), prefs)[0][1] == "deferred"


def test_the_referring_workers_copy_is_the_inbox_only():
    copy = Recipient("staff", "w1", phone="13900002222", only=("inbox",))
    assert _plan("referral_made", copy, at(10), Preferences(channels=("sms",))) == [("inbox", "sent", None)]
