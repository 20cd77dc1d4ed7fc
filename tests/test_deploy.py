"""deploy/compose.yaml, checked without a Docker engine: health, settings, state, entry points, locks."""
from __future__ import annotations

import re
import tomllib

import pytest
import yaml

from linli_devtools.paths import REPO_ROOT

DEPLOY = REPO_ROOT / "deploy"
SERVICES = sorted(p.name for p in (REPO_ROOT / "services").iterdir() if (p / "pyproject.toml").exists())
COMPOSE = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
REQUIRED_ENV = ("LINLI_ENVIRONMENT", "LINLI_HOST", "LINLI_MONGO_URL", "LINLI_NATS_URL", "LINLI_JWT_SECRET",
                "LINLI_NATS_USER", "LINLI_NATS_PASSWORD", "LINLI_SERVICE")


def _pyproject(path) -> dict:
    return tomllib.loads((path / "pyproject.toml").read_text(encoding="utf-8"))


def _requirement_names(project: dict) -> set[str]:
    return {re.split(r"[<>=!~\[ ;]", dep, maxsplit=1)[0].lower().replace("_", "-")
            for dep in project["project"]["dependencies"] if not dep.startswith("linli-")}


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_is_deployed_healthy_configured_and_started_by_its_entry_point(service):
    spec = COMPOSE["services"].get(service)
    assert spec is not None, f"{service} is missing from deploy/compose.yaml"
    scripts = _pyproject(REPO_ROOT / "services" / service)["project"]["scripts"]
    assert spec["command"] == [f"linli-{service}"] and f"linli-{service}" in scripts
    assert spec["healthcheck"]["test"] == ["CMD", "linli-healthcheck"]
    assert spec["restart"] == "unless-stopped" and spec["build"]["args"]["SERVICE"] == service
    assert {name: c["condition"] for name, c in spec["depends_on"].items()} == {
        "mongo": "service_healthy", "nats": "service_healthy"}
    env = spec["environment"]
    missing = [key for key in (*REQUIRED_ENV, f"LINLI_{service.upper()}_PORT", f"LINLI_{service.upper()}_MONGO_DB")
               if key not in env]
    assert not missing, f"{service} lacks {missing}"
    assert (env["LINLI_NATS_USER"], env["LINLI_SERVICE"], env["LINLI_ENVIRONMENT"]) == (service, service, "production")


def test_state_lives_in_named_volumes_and_dependencies_report_health():
    for name, mount in (("mongo", "mongo-data:/data/db"), ("nats", "nats-data:/data")):
        spec = COMPOSE["services"][name]
        assert mount in spec["volumes"] and spec["healthcheck"]["test"]
        assert mount.split(":")[0] in COMPOSE["volumes"]
    assert "--replSet" in COMPOSE["services"]["mongo"]["command"]
    assert "./nats/nats.conf:/etc/nats/nats.conf:ro" in COMPOSE["services"]["nats"]["volumes"]


def test_every_variable_compose_reads_is_documented_in_env_example():
    text = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    used = set(re.findall(r"\$\{(LINLI_[A-Z_]+)", text))
    documented = set(re.findall(r"^(LINLI_[A-Z_]+)=", (DEPLOY / ".env.example").read_text(encoding="utf-8"), re.M))
    assert used - documented == set()


def test_every_nats_user_of_compose_exists_in_the_nats_config():
    config = (DEPLOY / "nats" / "nats.conf").read_text(encoding="utf-8")
    for service in SERVICES:
        assert f"user: {service}," in config and f'"linli.{service}.>"' in config


@pytest.mark.parametrize("service", SERVICES)
def test_each_image_lock_pins_every_declared_dependency(service):
    lock = (DEPLOY / "requirements" / f"{service}.lock").read_text(encoding="utf-8")
    pinned = {line.split("==")[0].lower().replace("_", "-") for line in lock.splitlines() if "==" in line}
    declared = _requirement_names(_pyproject(REPO_ROOT / "shared")) | _requirement_names(
        _pyproject(REPO_ROOT / "services" / service))
    assert declared - pinned == set(), f"run deploy/lock.sh {service}"
    assert all("==" in line for line in lock.splitlines() if line and not line.startswith("#"))


def test_the_image_runs_as_a_non_root_user_on_a_pinned_base():
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^ARG PYTHON_IMAGE=python:\d+\.\d+\.\d+-slim-\w+$", dockerfile, re.M)
    assert "USER 10001" in dockerfile and "deploy/requirements/${SERVICE}.lock" in dockerfile
