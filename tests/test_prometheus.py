"""deploy/prometheus/: a scrape configuration and alert rules that Prometheus accepts, one rule for every
metric signal the operations guide tells ops to alert on (the metrics: shared/tests/test_metrics_names.py)."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
PROMETHEUS = REPO_ROOT / "deploy" / "prometheus"
ALERTS = yaml.safe_load((PROMETHEUS / "alerts.yml").read_text(encoding="utf-8"))
RULES = [rule for group in ALERTS["groups"] for rule in group["rules"]]
COMPOSE = yaml.safe_load((REPO_ROOT / "deploy" / "compose.yaml").read_text(encoding="utf-8"))
PROMTOOL = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(not PROMTOOL,
                                    reason="promtool is not installed (Debian: apt-get install prometheus)")


def _promtool(*args: str) -> None:
    done = subprocess.run([PROMTOOL, *args], cwd=PROMETHEUS, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


@needs_promtool
def test_promtool_accepts_the_scrape_config():
    _promtool("check", "config", "prometheus.yml")


@needs_promtool
def test_promtool_accepts_the_rules_and_their_unit_tests_pass():
    _promtool("check", "rules", "alerts.yml")
    _promtool("test", "rules", "alerts_test.yml")


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r["alert"])
def test_every_rule_waits_names_a_severity_and_says_what_is_wrong(rule):
    assert re.fullmatch(r"\d+[smh]", rule["for"]), rule["alert"]
    assert rule["labels"]["severity"] in {"critical", "warning"}, rule["alert"]
    assert rule["annotations"]["summary"].strip(), rule["alert"]


def _alert_table() -> list[dict[str, str]]:
    guide = (REPO_ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    section = guide.split("## Alert on", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    return [dict(zip(_cells(lines[0]), _cells(line), strict=True)) for line in lines[2:]]


def _cells(row: str) -> list[str]:
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", row.strip().strip("|"))]


def test_every_alert_of_the_operations_guide_has_a_rule_or_is_a_log_alert():
    names = {rule["alert"] for rule in RULES}
    named: set[str] = set()
    for row in _alert_table():
        rules = set(re.findall(r"`(\w+)`", row["rule"]))
        assert rules or row["rule"].startswith("log alert"), f"{row['signal']}: no rule and not a log alert"
        assert rules <= names, f"{row['signal']}: {rules - names} is not in alerts.yml"
        named |= rules
    assert names <= named, f"rules the operations guide does not explain: {names - named}"


def test_prometheus_scrapes_every_service_and_the_nats_exporter_by_compose_name():
    config = yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text(encoding="utf-8"))
    targets = {t for job in config["scrape_configs"] for c in job["static_configs"] for t in c["targets"]}
    services = COMPOSE["services"]
    for name in ("registry", "visits", "employment", "notify", "reports"):
        port = services[name]["environment"][f"LINLI_{name.upper()}_PORT"]
        assert f"{name}:{port}" in targets, name
    assert "nats-exporter:7777" in targets
    assert config["rule_files"] == ["alerts.yml"]


def test_compose_runs_nats_s_exporter_on_the_monitoring_port_with_consumer_figures():
    exporter = COMPOSE["services"]["nats-exporter"]
    assert exporter["image"].startswith("natsio/prometheus-nats-exporter:")
    assert "-jsz=consumers" in exporter["command"] and "http://nats:8222" in exporter["command"]
    assert "7777" in exporter["command"] and "ports" not in exporter  # inside the compose network only
    assert "8222" in " ".join(COMPOSE["services"]["nats"]["command"])
