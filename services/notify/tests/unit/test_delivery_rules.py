"""Signing, outcome classification, back-off, failover and the rate limiter: pure, no I/O."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from linli_notify.domain.addresses import mask_address
from linli_notify.domain.failover import Failover
from linli_notify.domain.ratelimit import RateLimiter, TokenBucket
from linli_notify.domain.retry import classify_http, decide, ok, permanent, temporary
from linli_notify.domain.signing import sign, verify

NOW = datetime(2025, 3, 3, 2, tzinfo=UTC)


def test_a_signature_verifies_and_tampering_or_replay_does_not():
    body = b'{"id":"e-1"}'
    header = sign("s3cret", 1_700_000_000, body)
    assert header.startswith("t=1700000000,v1=") and len(header.split("v1=")[1]) == 64
    assert verify("s3cret", header, body, now=1_700_000_100)
    assert not verify("s3cret", header, b'{"id":"e-2"}', now=1_700_000_100)
    assert not verify("other", header, body, now=1_700_000_100)
    assert not verify("s3cret", header, body, now=1_700_000_000 + 301)  # a replay, too late
    assert not verify("s3cret", "garbage", body, now=1_700_000_000)


def test_http_statuses_split_into_temporary_and_permanent():
    assert classify_http(204, "webhook").ok
    assert [classify_http(s, "webhook").kind for s in (408, 429, 500, 503)] == ["temporary"] * 4
    assert [classify_http(s, "webhook").kind for s in (400, 401, 404, 410)] == ["permanent"] * 4
    assert classify_http(500, "sms").code == "sms.http_500"


def test_back_off_until_the_attempts_run_out():
    backoff = (30.0, 120.0)
    first = decide(temporary("sms.http_500"), 1, 3, backoff, NOW)
    assert (first.status, first.not_before) == ("retrying", NOW + timedelta(seconds=30))
    assert decide(temporary("x"), 2, 3, backoff, NOW).not_before == NOW + timedelta(seconds=120)
    assert decide(temporary("x"), 3, 3, backoff, NOW).status == "dead"
    assert decide(permanent("sms.unsubscribed"), 1, 3, backoff, NOW).status == "failed"
    assert decide(ok(), 2, 3, backoff, NOW).status == "sent"


def test_failover_moves_past_the_threshold_and_probes_the_primary_later():
    failover = Failover(("primary", "backup"), threshold=2, probe_after=60)
    failover.record("primary", False, True, 0)
    assert failover.choose(1) == "primary"
    failover.record("primary", False, False, 1)  # a permanent error is the message's fault: no count
    failover.record("primary", False, True, 2)
    assert failover.choose(3) == "primary"
    failover.record("primary", False, True, 3)
    assert failover.choose(4) == "backup"
    failover.record("primary", False, True, 5)  # a late answer from the one we left changes nothing
    assert failover.choose(62) == "backup" and failover.choose(63) == "primary"
    assert [p for _, p in failover.history] == ["backup", "primary"]


def test_a_single_provider_never_switches():
    failover = Failover(("primary",), threshold=1)
    failover.record("primary", False, True, 0)
    assert failover.choose(1) == "primary"


def test_the_token_bucket_limits_the_rate_and_refills():
    bucket = TokenBucket(rate=2, capacity=2)
    assert [bucket.take(0.0) for _ in range(3)] == [True, True, False]
    assert bucket.take(0.5) and not bucket.take(0.5)
    limiter = RateLimiter({"sms": 1})
    assert limiter.take("sms", 0) and not limiter.take("sms", 0.5) and limiter.take("sms", 1.0)
    assert all(limiter.take("inbox", 0) for _ in range(100))  # no limit configured: no limit


def test_addresses_are_masked_for_logs_events_and_the_api():
    assert mask_address("sms", "13812345678") == "138****5678"
    assert mask_address("email", "wang@example.org") == "w***@example.org"
    assert mask_address("wecom", "https://qyapi.example/cgi-bin/webhook/send?key=SECRET") == \
        "https://qyapi.example/cgi-bin/webhook/send"
