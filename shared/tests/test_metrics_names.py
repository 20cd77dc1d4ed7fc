"""Every metric any of our services declares follows the Prometheus naming guide
(https://prometheus.io/docs/practices/naming/): what ops tools and people expect to find."""
from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
import yaml
from prometheus_client import REGISTRY

PACKAGES = ("linli_shared", "linli_registry", "linli_visits", "linli_employment", "linli_notify", "linli_reports")
NON_BASE_UNITS = re.compile(r"_(ms|milliseconds|microseconds|minutes|hours|days|kb|mb|gb|kib|mib|percent)(_|$)")
TIME_WORDS = re.compile(r"(^|_)(duration|latency|time|age|elapsed|timestamp)(_|$)")
RESERVED_LABELS = {"job", "instance", "le", "quantile", "__name__"}


def _import_everything() -> None:
    for package_name in PACKAGES:
        package = importlib.import_module(package_name)
        for module in pkgutil.walk_packages(package.__path__, f"{package_name}."):
            if not module.name.endswith("__main__"):
                importlib.import_module(module.name)


def ours() -> list:
    _import_everything()
    return [family for family in REGISTRY.collect() if family.name.startswith("linli_")]


FAMILIES = ours()


def test_the_registry_holds_the_metrics_ops_alert_on():
    names = {family.name for family in FAMILIES}
    assert {"linli_http_request_duration_seconds", "linli_timer_last_success_timestamp_seconds",
            "linli_notify_deliveries", "linli_build_info", "linli_consumer_pending_messages",
            "linli_visits_overdue_tasks"} <= names, sorted(names)


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.name)
def test_metric_follows_the_naming_guide(family):
    name = family.name  # a counter's family name is without `_total`; its samples carry it
    assert re.fullmatch(r"linli_[a-z][a-z0-9]*(_[a-z0-9]+)*", name), f"{name}: linli_ and snake_case"
    assert not NON_BASE_UNITS.search(name), f"{name}: base units (seconds, bytes), not a derived unit"
    if family.type in ("histogram", "summary") or TIME_WORDS.search(name):
        assert name.endswith(("_seconds", "_bytes")), f"{name}: a measured quantity names its base unit"
    if "timestamp" in name:
        assert name.endswith("_timestamp_seconds"), f"{name}: a point in time is _timestamp_seconds"
    if family.type == "counter":
        assert all(s.name.endswith(("_total", "_created")) for s in family.samples), name
    else:
        assert not name.endswith("_total"), f"{name}: _total is for counters"
    if name.endswith("_info"):
        assert family.type == "gauge" and {s.value for s in family.samples} <= {1.0}, f"{name}: an info metric is 1"


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.name)
def test_labels_are_snake_case_and_collide_with_nothing_prometheus_adds(family):
    collector = REGISTRY._names_to_collectors[family.name if family.type != "counter" else f"{family.name}_total"]
    labels = set(collector._labelnames)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", label) for label in labels), labels
    assert not labels & RESERVED_LABELS, f"{family.name}: {labels & RESERVED_LABELS} is Prometheus's own"
    if family.name.startswith("linli_http_"):
        assert "code" in labels and "status" not in labels, "the HTTP status is `code`, as exporters name it"


# Metrics an alert rule may read that are not ours: Prometheus's own, and NATS's exporter's (-jsz=consumers).
NOT_OURS = {"up", "jetstream_consumer_num_pending", "jetstream_consumer_num_ack_pending"}
ALERTS = Path(__file__).resolve().parents[2] / "deploy" / "prometheus" / "alerts.yml"


def test_every_metric_an_alert_rule_reads_is_one_we_declare():
    rules = [r for group in yaml.safe_load(ALERTS.read_text(encoding="utf-8"))["groups"] for r in group["rules"]]
    declared = {s.name for family in FAMILIES for s in family.samples} | {
        f"{family.name}{suffix}" for family in FAMILIES for suffix in ("", "_total", "_count", "_sum", "_bucket")}
    for rule in rules:
        read = set(re.findall(r"\b(linli_\w+|jetstream_\w+|up)\b(?=\s*[{\[)]|\s*$|\s*[><=])", rule["expr"]))
        assert read, f"{rule['alert']}: reads no metric"
        assert read <= declared | NOT_OURS, f"{rule['alert']}: {read - declared - NOT_OURS} is declared nowhere"
