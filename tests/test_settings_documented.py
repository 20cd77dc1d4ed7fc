"""One naming convention, and no setting that does nothing.

Shared settings are `LINLI_<NAME>` (linli_shared.settings.ServiceSettings), a service's own are
`LINLI_<SERVICE>_<NAME>` (services/*/settings.py, through `service_env`); any secret, the Mongo URL and the
identity provider's key may also come from `<VARIABLE>_FILE`. Every variable the deployment files and the
README name must be read by some settings class (or by the one tool this file says reads it), and every
setting must be in the README's configuration table.
"""
from __future__ import annotations

import re

import pytest
from linli_console.settings import ConsoleSettings

from linli_devtools.paths import REPO_ROOT
from linli_shared.settings import ServiceSettings, env_variable, file_variables

from linli_employment.settings import EmploymentSettings
from linli_notify.settings import NotifySettings
from linli_registry.settings import RegistrySettings
from linli_reports.settings import ReportsSettings
from linli_visits.settings import VisitsSettings

SETTINGS = {"registry": RegistrySettings, "visits": VisitsSettings, "employment": EmploymentSettings,
            "notify": NotifySettings, "reports": ReportsSettings, "console": ConsoleSettings}
NOT_CONFIGURATION = {"service_name"}  # each class fixes its own; LINLI_SERVICE is the image's, below
# Variables that are not service settings: (pattern, the file that reads them, why).
OTHER_READERS = [
    (r"LINLI_SERVICE", "shared/src/linli_shared/healthcheck.py", "which service an image's health check asks"),
    (r"LINLI_(DATA_DIR|NATS_PORT|MONGO_PORT)", "devtools/src/linli_devtools/run.py", "the local runner"),
    (r"LINLI_TEST_BACKEND", "devtools/src/linli_devtools/pytest_plugin.py", "the test servers"),
    (r"LINLI_NATS_TLS_(CERT|KEY)_FILE", "deploy/nats/nats-tls.conf", "NATS's own certificate and key"),
    (r"LINLI_[A-Z]+_PUBLISH", "deploy/compose.yaml", "the host address compose publishes a port on"),
    (r"LINLI_(NATS|MONGO)_[A-Z]+_PASSWORD(_FILE)?", "deploy/compose.yaml",
     "a NATS or MongoDB user's password: compose hands it to the server and to its service"),
]
SOURCES = ["deploy/compose.yaml", "deploy/.env.example", "README.md"]
VARIABLE = re.compile(r"LINLI_(?:<SERVICE>_)?[A-Z0-9_]*[A-Z0-9]")


def read_by_settings() -> set[str]:
    names = set()
    for cls in (ServiceSettings, *SETTINGS.values()):
        names |= {env_variable(cls, field) for field in cls.model_fields if field not in NOT_CONFIGURATION}
        names |= {f"{variable}_FILE" for variable in file_variables(cls).values()}
    return names


def named_in(text: str) -> set[str]:
    """Every variable a text names; `LINLI_<SERVICE>_X` stands for each service's."""
    names = set()
    for name in VARIABLE.findall(text):
        names.update(name.replace("<SERVICE>", service.upper()) for service in SETTINGS)
    return names


def configuration_table() -> str:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    return "\n".join(line for line in section.splitlines() if line.startswith("| `LINLI_"))


def _other_reader(name: str) -> str | None:
    return next((reader for pattern, reader, _ in OTHER_READERS if re.fullmatch(pattern, name)), None)


@pytest.mark.parametrize("source", SOURCES)
def test_every_variable_a_deployment_file_or_the_readme_names_is_read(source):
    settings = read_by_settings()
    unread = sorted(name for name in named_in((REPO_ROOT / source).read_text(encoding="utf-8"))
                    if name not in settings and not _other_reader(name))
    assert not unread, f"{source} names variables nothing reads: {unread}"


def test_variables_read_elsewhere_are_really_read_there():
    for pattern, reader, _ in OTHER_READERS:
        text = (REPO_ROOT / reader).read_text(encoding="utf-8")
        assert re.search(pattern, text), f"{reader} no longer reads {pattern}"


@pytest.mark.parametrize("service", sorted(SETTINGS))
def test_every_setting_is_in_the_readme_configuration_table(service):
    cls = SETTINGS[service]
    documented = named_in(configuration_table())
    missing = sorted(env_variable(cls, field) for field in cls.model_fields
                     if field not in NOT_CONFIGURATION and env_variable(cls, field) not in documented)
    assert not missing, f"README's configuration table leaves out {service}'s {missing}"


@pytest.mark.parametrize("service", sorted(SETTINGS))
def test_a_services_own_settings_follow_the_convention(service):
    cls = SETTINGS[service]
    own = [field for field in cls.model_fields if field not in NOT_CONFIGURATION
           and (field not in ServiceSettings.model_fields or field in ("port", "mongo_db"))]
    wrong = {field: env_variable(cls, field) for field in own
             if env_variable(cls, field) != f"LINLI_{service.upper()}_{field.upper()}"}
    assert not wrong, f"{service}'s own settings must be LINLI_{service.upper()}_<NAME>: {wrong}"
    shared = {field: env_variable(cls, field) for field in ServiceSettings.model_fields
              if field not in (*own, *NOT_CONFIGURATION)}
    assert all(variable == f"LINLI_{field.upper()}" for field, variable in shared.items())
