"""Prometheus metrics, declared once per process and labelled by service."""
from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Histogram("linli_http_request_seconds", "HTTP request latency",
                          ["service", "method", "route", "status"])
OUTBOX_PUBLISHED = Counter("linli_outbox_published_total", "Events published from the outbox", ["service"])
OUTBOX_PENDING = Gauge("linli_outbox_pending", "Outbox entries waiting to be published", ["service"])
EVENTS_HANDLED = Counter("linli_consumer_handled_total", "Events handled by consumers",
                         ["service", "consumer", "outcome"])
TIMER_RUNS = Counter("linli_timer_runs_total", "Periodic job runs", ["timer", "outcome"])
DEAD_LETTERS = Counter("linli_consumer_dead_lettered_total", "Events sent to the dead-letter stream",
                       ["service", "consumer"])
CONSUMER_PENDING = Gauge("linli_consumer_pending", "Messages in the stream not yet delivered to a consumer (lag)",
                         ["service", "consumer"])
CONSUMER_UNACKED = Gauge("linli_consumer_ack_pending", "Messages delivered but not yet acknowledged",
                         ["service", "consumer"])
OUTBOX_PARKED = Counter("linli_outbox_parked_total",
                        "Outbox entries parked: they could not be published, or sat behind one of their aggregate "
                        "that could not", ["service"])
