"""Prometheus metrics, declared once per process, named as the Prometheus naming guide asks.

Base units in the name (`_seconds`), `_total` on counters, `_timestamp_seconds` for a point in time,
`_info` for a constant 1 that carries labels, and the HTTP status as `code`, the label the exporters
and dashboards ops teams already have expect. tests/test_metrics_names.py checks every one.
"""
from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

from linli_shared.logging import service_version

HTTP_REQUESTS = Histogram("linli_http_request_duration_seconds", "HTTP request latency, by route and status code",
                          ["service", "method", "route", "code"])
OUTBOX_PUBLISHED = Counter("linli_outbox_published_total", "Events published from the outbox", ["service"])
OUTBOX_PENDING = Gauge("linli_outbox_pending", "Outbox entries waiting to be published", ["service"])
EVENTS_HANDLED = Counter("linli_consumer_handled_total", "Events handled by consumers",
                         ["service", "consumer", "outcome"])
TIMER_RUNS = Counter("linli_timer_runs_total", "Periodic job runs", ["timer", "outcome"])
TIMER_LAST_SUCCESS = Gauge("linli_timer_last_success_timestamp_seconds",
                           "When a periodic job last finished without error (Unix time)", ["timer"])
TIMER_INTERVAL = Gauge("linli_timer_interval_seconds", "How often a periodic job is meant to run", ["timer"])
DEAD_LETTERS = Counter("linli_consumer_dead_lettered_total", "Events sent to the dead-letter stream",
                       ["service", "consumer"])
# Read from JetStream's consumer info by one replica under a lease: the stream's own count, not a replica's view.
CONSUMER_PENDING = Gauge("linli_consumer_pending_messages",
                         "Messages in the stream not yet delivered to the durable consumer (lag), from JetStream",
                         ["service", "consumer", "stream"])
CONSUMER_ACK_PENDING = Gauge("linli_consumer_ack_pending_messages",
                             "Messages delivered to the durable consumer but not yet acknowledged, from JetStream",
                             ["service", "consumer", "stream"])
OUTBOX_PARKED = Counter("linli_outbox_parked_total",
                        "Outbox entries parked: they could not be published, or sat behind one of their aggregate "
                        "that could not", ["service"])
NOTIFY_DELIVERIES = Counter("linli_notify_deliveries_total",
                            "Notification delivery attempts by channel and the status they left it in",
                            ["channel", "status"])
BUILD_INFO = Gauge("linli_build_info", "Always 1: which version of which service this process runs",
                   ["service", "version"])


def record_build_info(service: str) -> None:
    """`linli_build_info{service,version} 1`, the version from the installed package's metadata."""
    BUILD_INFO.labels(service, service_version(service)).set(1)
