"""deploy/compose.yaml, checked without a Docker engine: health, settings, state, entry points, locks."""
from __future__ import annotations

import ast
import json
import os
import re
import secrets
import tomllib
import urllib.parse

import pytest
import yaml

from linli_devtools.paths import REPO_ROOT

DEPLOY = REPO_ROOT / "deploy"
# The console owns no database and joins no bus (a client of the others' APIs): no store user or NATS user; its
# compose entry sits behind its sign-on proxy (checked below); its image lock is checked in test_supply_chain.py.
FRONT_ENDS = {"console"}
SERVICES = sorted(p.name for p in (REPO_ROOT / "services").iterdir()
                  if (p / "pyproject.toml").exists() and p.name not in FRONT_ENDS)
COMPOSE = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
REQUIRED_ENV = ("LINLI_ENVIRONMENT", "LINLI_HOST", "LINLI_MONGO_URL", "LINLI_NATS_URL", "LINLI_JWT_JWKS_URL",
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
        "mongo": "service_healthy", "mongo-init": "service_completed_successfully", "nats": "service_healthy"}
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
    used = set(re.findall(r"\$\{(\w+)", text))
    env_files = [DEPLOY / ".env.example", *DEPLOY.glob("images.env")]  # images.env: the image references
    documented = {name for path in env_files
                  for name in re.findall(r"^([A-Z_]+)=", path.read_text(encoding="utf-8"), re.M)}
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
    requirements = [line for line in lock.splitlines()
                    if line.strip() and not line.lstrip().startswith(("#", "--hash"))]  # hashes continue a pin
    assert all("==" in line for line in requirements)


def test_the_image_runs_as_a_non_root_user():
    # The base image's pin is checked with every other image reference in tests/test_supply_chain.py.
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert "USER 10001" in dockerfile and "deploy/requirements/${SERVICE}.lock" in dockerfile


# --- MongoDB locked down: a key file, access control, one user per service (deploy/mongo/) ---

MONGO_USERS = json.loads((DEPLOY / "mongo" / "users.json").read_text(encoding="utf-8"))
APPEND_ONLY = {"audit_trail", "reveal_trail"}  # the registry's PIPL record and the shared reveal trail
READ_AND_APPEND = {"find", "insert", "createCollection", "createIndex", "listIndexes", "listCollections",
                   "collStats", "dbStats"}
ONE_SHOT = {"mongo-keyfile", "mongo-init"}


def _mongo_url(service: str) -> urllib.parse.SplitResult:
    # Compose fills ${VAR:?message} in; the test keeps the variable's name where the password goes.
    url = re.sub(r"\$\{(\w+)[^}]*\}", r"\1", COMPOSE["services"][service]["environment"]["LINLI_MONGO_URL"])
    return urllib.parse.urlsplit(url)


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_logs_into_mongo_as_its_own_user_with_majority_writes(service):
    url = _mongo_url(service)
    query = dict(urllib.parse.parse_qsl(url.query))
    assert (url.username, url.password) == (service, f"LINLI_MONGO_{service.upper()}_PASSWORD")
    assert query == {"replicaSet": "rs0", "authSource": f"linli_{service}", "w": "majority"}
    env_text = json.dumps(COMPOSE["services"][service]["environment"])
    assert "ROOT" not in env_text and "root" not in env_text


def test_mongo_runs_with_a_key_file_and_access_control_and_only_the_init_step_holds_root():
    mongo = COMPOSE["services"]["mongo"]
    command = mongo["command"]
    assert "--auth" in command and command[command.index("--keyFile") + 1] == "/etc/mongo-keyfile/mongo.key"
    assert "mongo-keyfile:/etc/mongo-keyfile:ro" in mongo["volumes"] and mongo["user"] == "999:999"
    assert mongo["depends_on"]["mongo-keyfile"]["condition"] == "service_completed_successfully"
    keyfile = (DEPLOY / "mongo" / "make-keyfile.sh").read_text(encoding="utf-8")
    # mongod refuses a key others can read; root keeps no capability to chmod after giving the file away.
    assert keyfile.index("chmod 0400") < keyfile.index("chown 999:999") < keyfile.index("mv ")
    init = COMPOSE["services"]["mongo-init"]
    assert init["network_mode"] == "service:mongo"  # the localhost exception creates the first user
    assert init["entrypoint"] == ["mongosh", "--nodb", "--quiet", "/linli-mongo/init.js"]
    holders = [name for name, spec in COMPOSE["services"].items()
               if "LINLI_MONGO_ROOT_PASSWORD" in json.dumps(spec.get("environment", {}))]
    assert holders == ["mongo-init"]
    needed = {MONGO_USERS["root"]["passwordEnv"], *(u["passwordEnv"] for u in MONGO_USERS["users"])}
    assert needed <= set(init["environment"])


def test_mongo_init_creates_exactly_one_user_per_service_with_rights_on_its_own_database_only():
    init_js = (DEPLOY / "mongo" / "init.js").read_text(encoding="utf-8")
    assert "users.json" in init_js and "SPEC.users.forEach(applyUser)" in init_js
    service_users = {u["user"]: u for u in MONGO_USERS["users"] if u["user"] != "backup"}
    assert sorted(service_users) == SERVICES
    custom = {(r["role"], r["db"]): r for r in MONGO_USERS["roles"]}
    for name, user in service_users.items():
        own = f"linli_{name}"
        assert user["db"] == own and user["roles"], name
        for role in user["roles"]:
            assert role["db"] == own and (role["role"] == "readWrite" or (role["role"], own) in custom), name
    for role in custom.values():
        assert role["roles"] == [] and {p["resource"]["db"] for p in role["privileges"]} == {role["db"]}
    backup = next(u for u in MONGO_USERS["users"] if u["user"] == "backup")
    assert backup["roles"] == [{"role": "backup", "db": "admin"}]  # mongodump reads; restores run as root


def _registry_actions_on(collection: str) -> set[str]:
    (user,) = [u for u in MONGO_USERS["users"] if u["user"] == "registry"]
    (binding,) = user["roles"]
    role = next(r for r in MONGO_USERS["roles"] if (r["role"], r["db"]) == (binding["role"], binding["db"]))
    # MongoDB grants an action on a collection through a privilege naming it or naming the whole db ("").
    return {action for p in role["privileges"] if p["resource"]["db"] == "linli_registry"
            and p["resource"]["collection"] in ("", collection) for action in p["actions"]}


@pytest.mark.parametrize("collection", sorted(APPEND_ONLY))
def test_the_registry_may_read_and_append_to_its_trails_but_never_rewrite_them(collection):
    actions = _registry_actions_on(collection)
    assert {"find", "insert"} <= actions <= READ_AND_APPEND


def _string_constants(tree: ast.Module) -> dict[str, str]:
    """Module-level `NAME = "text"` and `A, B = ("a", "b")`, the two ways our code names a collection."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            names, values = node.targets[0], node.value
            unpacked = isinstance(names, ast.Tuple) and isinstance(values, ast.Tuple)
            pairs = zip(names.elts, values.elts, strict=True) if unpacked else [(names, values)]
            found |= {n.id: v.value for n, v in pairs if isinstance(n, ast.Name) and isinstance(v, ast.Constant)
                      and isinstance(v.value, str)}
    return found


def _registry_collections() -> set[str]:
    """Every collection the registry's code (and the shared code it runs) names as db[NAME], and its indexes'."""
    from linli_registry.storage.indexes import INDEXES
    constants, used = {}, set()
    for root in (REPO_ROOT / "services" / "registry" / "src", REPO_ROOT / "shared" / "src"):
        for path in root.rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            constants |= _string_constants(ast.parse(text))
            used |= set(re.findall(r"db\[(?:\w+\.)?([A-Z][A-Z_]+)\]", text))
    return set(INDEXES) | {constants[name] for name in used}


def test_the_registry_may_change_every_other_collection_it_writes():
    collections = _registry_collections()
    assert APPEND_ONLY <= collections and "residents" in collections
    missing = [c for c in sorted(collections - APPEND_ONLY) if not {"update", "remove"} <= _registry_actions_on(c)]
    assert not missing, f"add {missing} to the registry's role in deploy/mongo/users.json"


# --- Containers hardened; Compose v2 ---

def _seconds(duration: str) -> int:
    parts = re.fullmatch(r"(?:(\d+)m)?(?:(\d+)s)?", duration)
    assert parts and duration, duration
    return int(parts[1] or 0) * 60 + int(parts[2] or 0)


@pytest.mark.parametrize("name", sorted(COMPOSE["services"]))
def test_every_container_is_hardened(name):
    spec = COMPOSE["services"][name]
    assert spec["logging"]["driver"] == "json-file"
    assert {"max-size", "max-file"} <= set(spec["logging"]["options"])
    assert {"cpus", "memory"} <= set(spec["deploy"]["resources"]["limits"])
    assert spec["cap_drop"] == ["ALL"] and "no-new-privileges:true" in spec["security_opt"]
    assert spec.get("cap_add", []) == (["CHOWN"] if name == "mongo-keyfile" else [])
    assert spec["read_only"] is True and any(t.startswith("/tmp") for t in spec["tmpfs"])
    assert _seconds(spec["stop_grace_period"]) >= 70  # a service's drain takes up to about 65 s
    assert spec["restart"] == ("no" if name in ONE_SHOT else "unless-stopped")


def test_the_file_is_compose_v2_and_the_docs_say_so():
    text = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    assert "version" not in COMPOSE and {k for k in COMPOSE if not k.startswith("x-")} <= {
        "name", "services", "volumes", "networks", "secrets", "configs", "include"}
    assert "<<: *hardened" in text and "Compose v2" in text
    for doc in (REPO_ROOT / "README.md", REPO_ROOT / "docs" / "operations.md"):
        assert "Compose v2" in doc.read_text(encoding="utf-8"), doc


def test_the_build_context_leaves_out_local_state_secrets_and_caches():
    ignored = set((REPO_ROOT / ".dockerignore").read_text(encoding="utf-8").split())
    assert {".git", ".venv", ".linli-data", "**/__pycache__", ".pytest_cache", "bench", "tests",
            "deploy/.env", "deploy/nats/tls"} <= ignored
    assert not {"shared", "services", "deploy", "deploy/requirements"} & ignored  # what the Dockerfile copies


@pytest.mark.parametrize("variable", [MONGO_USERS["root"]["passwordEnv"],
                                      *(u["passwordEnv"] for u in MONGO_USERS["users"])])
def test_env_example_holds_a_placeholder_for_every_mongo_password(variable):
    example = (DEPLOY / ".env.example").read_text(encoding="utf-8")
    assert re.search(rf"^{variable}=replace-me$", example, re.M)


def _compose_value(value: str, env: dict[str, str]) -> str:
    return re.sub(r"\$\{(\w+)[^}]*\}", lambda m: env[m[1]], value)


@pytest.mark.parametrize("service", SERVICES)
def test_production_refuses_the_mongo_password_of_env_example_and_takes_a_random_one(service):
    from linli_shared.settings import ServiceSettings, secret_weakness
    example = dict(re.findall(r"^(\w+)=(.*)$", (DEPLOY / ".env.example").read_text(encoding="utf-8"), re.M))
    url = COMPOSE["services"][service]["environment"]["LINLI_MONGO_URL"]

    def mongo_password_weakness(env: dict[str, str]) -> str | None:
        held = ServiceSettings(mongo_url=_compose_value(url, env)).production_secrets()
        (password,) = [s for s in held if s.variable.startswith("LINLI_MONGO_URL")]
        return secret_weakness(password)

    assert "placeholder" in mongo_password_weakness(example)
    generated = {**example, f"LINLI_MONGO_{service.upper()}_PASSWORD": secrets.token_hex(24)}  # as .env.example says
    assert mongo_password_weakness(generated) is None


# --- The console: reached only through its sign-on proxy, in production mode, secrets as files ---

CONSOLE, SIGNON = COMPOSE["services"]["console"], COMPOSE["services"]["signon"]


def _networks(spec: dict) -> set[str]:
    return set(spec.get("networks", ["default"]))


def test_the_console_is_built_and_checked_like_the_services_and_calls_them_by_name():
    assert CONSOLE["command"] == ["linli-console"] and CONSOLE["build"]["args"]["SERVICE"] == "console"
    assert CONSOLE["healthcheck"]["test"] == ["CMD", "linli-healthcheck"]
    env = CONSOLE["environment"]
    assert (env["LINLI_SERVICE"], env["LINLI_CONSOLE_PORT"]) == ("console", 8006)  # the port the check asks
    ports = {s: COMPOSE["services"][s]["environment"][f"LINLI_{s.upper()}_PORT"] for s in SERVICES}
    assert {s: env[f"LINLI_CONSOLE_{s.upper()}_URL"] for s in SERVICES} == {
        s: f"http://{s}:{port}" for s, port in ports.items()}
    assert {name: c["condition"] for name, c in CONSOLE["depends_on"].items()} == dict.fromkeys(
        SERVICES, "service_healthy")


def test_only_the_sign_on_proxy_reaches_the_console_and_it_is_the_consoles_one_published_entry():
    assert "ports" not in CONSOLE and "expose" not in CONSOLE and "network_mode" not in CONSOLE
    assert COMPOSE["networks"]["signon"] == {"internal": True}  # no way out, nothing published on it
    members = {net: {name for name, spec in COMPOSE["services"].items() if net in _networks(spec)}
               for net in COMPOSE["networks"]}
    assert members["signon"] == {"console", "signon"} and members["edge"] == {"signon"}
    assert _networks(CONSOLE) == {"default", "signon"} and _networks(SIGNON) == {"edge", "signon"}
    (published,) = SIGNON["ports"]
    assert published.endswith(":4180") and SIGNON["environment"]["OAUTH2_PROXY_HTTP_ADDRESS"] == "0.0.0.0:4180"
    env = SIGNON["environment"]
    assert env["OAUTH2_PROXY_UPSTREAMS"] == f"http://console:{CONSOLE['environment']['LINLI_CONSOLE_PORT']}/"
    assert env["OAUTH2_PROXY_PROVIDER"] == "oidc"
    for flag in ("PASS_AUTHORIZATION_HEADER", "COOKIE_SECURE", "COOKIE_HTTPONLY", "REVERSE_PROXY"):
        assert env[f"OAUTH2_PROXY_{flag}"] == "true", flag
    assert SIGNON["user"].split(":")[0] not in ("0", "root")
    assert SIGNON["depends_on"]["console"]["condition"] == "service_healthy"


def test_the_console_and_its_proxy_take_every_secret_as_a_file_never_from_the_environment():
    declared = COMPOSE["secrets"]
    for spec in (CONSOLE, SIGNON):
        for variable, value in spec["environment"].items():
            if re.search(r"SECRET|PASSWORD|_KEY", variable):
                assert variable.endswith("_FILE") and value.startswith("/run/secrets/"), variable
                name = value.removeprefix("/run/secrets/")
                assert name in spec["secrets"] and declared[name]["file"].startswith("./secrets/")
    assert "LINLI_CONSOLE_COOKIE_SECRET_FILE" in CONSOLE["environment"]
    assert {"OAUTH2_PROXY_CLIENT_SECRET_FILE", "OAUTH2_PROXY_COOKIE_SECRET_FILE"} <= set(SIGNON["environment"])
    assert "LINLI_JWT_SECRET" not in json.dumps(CONSOLE)  # nothing here could mint a token
    ignored = (DEPLOY / "secrets" / ".gitignore").read_text(encoding="utf-8").split()
    assert "*" in ignored and "deploy/secrets" in (REPO_ROOT / ".dockerignore").read_text(encoding="utf-8").split()


def _console_environment_of_compose(cookie_secret_file) -> dict[str, str]:
    example = dict(re.findall(r"^(\w+)=(.*)$", (DEPLOY / ".env.example").read_text(encoding="utf-8"), re.M))
    env = {key: _compose_value(str(value), example) for key, value in CONSOLE["environment"].items()}
    return {**env, "LINLI_CONSOLE_COOKIE_SECRET_FILE": str(cookie_secret_file)}


def test_the_console_of_compose_starts_in_production_with_no_dev_sign_in(tmp_path, monkeypatch):
    from linli_console.settings import ConsoleSettings
    secret_file = tmp_path / "console_cookie_secret"
    secret_file.write_text(secrets.token_urlsafe(32) + "\n", encoding="utf-8")
    for variable in [v for v in os.environ if v.startswith("LINLI_")]:
        monkeypatch.delenv(variable)
    for variable, value in _console_environment_of_compose(secret_file).items():
        monkeypatch.setenv(variable, value)
    settings = ConsoleSettings()
    assert (settings.environment, settings.dev_signin, settings.jwt_secret) == ("production", False, None)
    assert settings.cookie_secret.get_secret_value() == secret_file.read_text(encoding="utf-8").strip()
    monkeypatch.setenv("LINLI_CONSOLE_DEV_SIGNIN", "true")
    with pytest.raises(ValueError, match="LINLI_CONSOLE_DEV_SIGNIN cannot be on in production"):
        ConsoleSettings()


def test_in_production_the_console_admits_only_a_token_its_identity_provider_signed_for_linli():
    """What the proxy passes on is checked as the services check it; a dev token or a stranger's is sent away."""
    import time

    import jwt
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519
    from fastapi.testclient import TestClient
    from linli_console.bootstrap import create_app
    from linli_console.settings import ConsoleSettings
    from linli_console.strings import t

    from linli_shared.auth import issue_token
    from linli_shared.settings import DEV_JWT_SECRET

    idp = ed25519.Ed25519PrivateKey.generate()
    pem = idp.public_key().public_bytes(serialization.Encoding.PEM,
                                        serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    # Port 9 refuses: no page here reaches a service (the search page without a query calls none).
    urls = {f"{s}_url": "http://127.0.0.1:9" for s in SERVICES}
    settings = ConsoleSettings(environment="production", jwt_public_key=pem, jwt_issuer="https://idp.test",
                               jwt_audience="linli", cookie_secret=secrets.token_urlsafe(32), **urls)

    def idp_token(audience: str) -> str:
        now = int(time.time())
        return jwt.encode({"sub": "worker-1", "iss": "https://idp.test", "aud": audience, "iat": now,
                           "exp": now + 300, "roles": ["worker"], "scope": ["130303001001"], "perms": []},
                          idp, algorithm="EdDSA")

    def search_page(token: str | None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}  # as the sign-on proxy sends it
        return client.get("/residents", headers=headers, follow_redirects=False)

    with TestClient(create_app(settings), base_url="https://console.test") as client:
        dev_token = issue_token(DEV_JWT_SECRET, "worker-1", ["worker"], ["130303001001"], [], ttl_seconds=300)
        for refused in (None, dev_token, idp_token("another-system"), idp_token("linli")[:-4] + "AAAA"):
            response = search_page(refused)
            assert (response.status_code, response.headers.get("location")) == (303, "/signin")
        admitted = search_page(idp_token("linli"))
        assert admitted.status_code == 200 and "worker-1（网格员）" in admitted.text
        page = client.get("/signin")
        assert t("signin.sso") in page.text and 'name="staff_id"' not in page.text  # no dev sign-in form
