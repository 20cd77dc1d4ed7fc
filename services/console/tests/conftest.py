"""The whole system as real processes for the console's tests: NATS, the store, the five services and the console;
a seeded community; and a headless Debian Chromium driven by Playwright (never a downloaded browser).

One stack for the whole session: starting it is most of the cost, and the tests only add to its data.
Fixtures live here (not in integration/) so both integration/ and browser/ tests can use them.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterator

import httpx
import pytest

from linli_devtools.orgs import COMMUNITY, DISTRICT, ORG_TREE, OTHER_COMMUNITY, STREET
from linli_devtools.paths import REPO_ROOT
from linli_devtools.people import born_years_ago, id_number
from linli_devtools.processes import wait_ready
from linli_devtools.servers import NatsServer, free_port
from linli_shared.auth import PII_READ, issue_token
from linli_shared.settings import DEV_JWT_SECRET

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = REPO_ROOT / "test-artifacts" / "console"
SERVICES = ("registry", "visits", "employment", "notify", "reports")
PHONE = {"width": 375, "height": 812}
XSS_NAME = "<script>alert(1)</script>"
XSS_ESTATE = '"><img src=x onerror=alert(1)>'


@dataclass
class Stack:
    urls: dict[str, str]
    console: str
    staff: dict[str, dict] = field(default_factory=dict)  # by name
    residents: dict[str, dict] = field(default_factory=dict)  # by name

    def token(self, roles=("admin",), scope=(DISTRICT,), perms=(PII_READ,), sub="console-test") -> str:
        return issue_token(DEV_JWT_SECRET, sub, roles, scope, perms, ttl_seconds=3600)

    def api(self, service: str, token: str | None = None) -> httpx.Client:
        return httpx.Client(base_url=self.urls[service], timeout=30,
                            headers={"Authorization": f"Bearer {token or self.token()}"})

    @staticmethod
    def until(probe: Callable[[], Any], what: str, tries: int = 240) -> Any:
        """The services pass events to each other on their own time: ask again until the answer is there."""
        for _ in range(tries):
            if found := probe():
                return found
            time.sleep(0.25)
        raise AssertionError(f"never happened: {what}")

    def imported(self, community: str, file_name: str, content: bytes) -> str:
        """A ledger through the registry's import, waited for until done: the import's id."""
        with self.api("registry") as registry:
            started = registry.post(f"/v1/communities/{community}/imports", files={"file": (file_name, content)})
            started.raise_for_status()
            location = started.headers["Location"]
            self.until(lambda: registry.get(location).json()["status"] != "running", "the import")
            return location.rsplit("/", 1)[-1]

    def month_reports(self, key: str, template: dict) -> dict[str, str]:
        """The street's 一表通 template and this month's run: community code -> report id. Asked again until the run
        covers COMMUNITY (the reports service learns the org tree from the registry's events)."""
        period = {"kind": "month", "year": date.today().year, "number": date.today().month}
        with self.api("reports") as reports:
            reports.put(f"/v1/orgs/{STREET}/report-templates/{key}", json=template).raise_for_status()

            def run() -> dict[str, str] | None:
                made = reports.post(f"/v1/report-templates/{key}/runs", json={"period": period})
                made_ids = {r["community_code"]: r["report_id"] for r in made.json().get("reports", [])} \
                    if made.status_code == 201 else {}
                return made_ids if COMMUNITY in made_ids else None
            return self.until(run, "a run that covers the community")


def _seed(stack: Stack) -> None:
    """Two communities: staff on each, an 80-year-old, a resident and an estate whose names are markup."""
    today = date.today()
    with stack.api("registry") as registry:
        for code, name in ORG_TREE:
            registry.put(f"/v1/orgs/{code}", json={"name": name}).raise_for_status()
        for name, role, org in (("陈社工", "worker", COMMUNITY), ("刘书记", "admin", COMMUNITY),
                                ("赵网格", "worker", OTHER_COMMUNITY), ("周科长", "officer", "130303001")):
            stack.staff[name] = registry.post(f"/v1/orgs/{org}/staff", json={"name": name, "role": role}).json()
        for name, age, gender, community, estate in (
                ("王建国", 82, "male", COMMUNITY, "工农里"), (XSS_NAME, 45, "female", COMMUNITY, XSS_ESTATE),
                ("孙秀英", 70, "female", OTHER_COMMUNITY, "建树里")):
            household = registry.post(f"/v1/communities/{community}/households", json={
                "address": {"estate": estate, "building": "3", "unit": "1", "room": "201"}}).json()
            resident = registry.post(f"/v1/communities/{community}/residents", json={
                "name": name, "id_number": id_number(born_years_ago(age, today), gender), "gender": gender,
                "birth_date": born_years_ago(age, today).isoformat(), "phone": "13812345678",
                "household_id": household["id"], "relation_to_head": "head", "residence_type": "registered"})
            resident.raise_for_status()
            stack.residents[name] = resident.json()


def _start(service: str, nats_url: str, mongo_url: str, log: Path, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    """As devtools' `service_process`, without waiting: the six processes start side by side."""
    port = free_port()
    prefix = f"LINLI_{service.upper()}"
    full_env = {**os.environ, "LINLI_NATS_URL": nats_url, "LINLI_MONGO_URL": mongo_url, f"{prefix}_PORT": str(port),
                f"{prefix}_MONGO_DB": f"linli_{service}_{port}", "LINLI_OUTBOX_POLL_SECONDS": "0.2", **env}
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", f"linli_{service}.main"], env=full_env, stdout=out,
                                stderr=subprocess.STDOUT)
    return proc, f"http://127.0.0.1:{port}"


# Module scope: Playwright's sync API holds the main thread's event loop while it runs, so it must be gone before
# the suite's asyncio tests; and the six processes should not idle beside the rest of the suite.
@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, backend) -> Iterator[Stack]:
    _need_chromium()  # before six processes start for tests that would skip anyway
    root = tmp_path_factory.mktemp("console-stack")
    nats = NatsServer(root / "nats").start()
    procs: dict[str, tuple[subprocess.Popen, str]] = {}
    try:
        for name in SERVICES:
            procs[name] = _start(name, nats.url, backend.mongo_url, root / f"{name}.log", {})
        urls = {name: url for name, (_, url) in procs.items()}
        procs["console"] = _start("console", nats.url, backend.mongo_url, root / "console.log",
                                  {f"LINLI_CONSOLE_{name.upper()}_URL": url for name, url in urls.items()})
        for name, (proc, url) in procs.items():
            wait_ready(url, proc, f"{name} (log: {root / name}.log)", timeout=180)
        built = Stack(urls, procs["console"][1])
        _seed(built)
        yield built
    finally:
        for proc, _ in procs.values():
            proc.terminate()
        for proc, _ in procs.values():
            proc.wait(timeout=30)
        nats.stop()


def _need_chromium() -> None:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (/usr/bin/chromium): apt-get install chromium (.ci/run does)")


@pytest.fixture(scope="module")
def browser():
    _need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser):
    """A fresh phone-sized browser context (no cookies shared between tests); any dialog fails the test."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True,
                                  locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs
    yield page
    context.close()
    assert not dialogs, f"a dialog opened: {dialogs}"


@pytest.fixture
def desk(browser):
    """A desktop-sized browser context for the admin's and officer's pages."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                  timezone_id="Asia/Shanghai")
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()
    assert not dialogs, f"a dialog opened: {dialogs}"


@pytest.fixture(scope="session")
def screenshot() -> Callable[..., Path]:
    """`screenshot(page, name)`: a key page kept as a test artefact, test-artifacts/console/<name>.png (gitignored)."""
    def take(page, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path
    return take


@pytest.fixture(scope="module")
def sign_in(stack: Stack) -> Callable[..., None]:
    """`sign_in(page, "陈社工", pii=False)`: dev sign-in as a person does it: the page, a radio button, the button."""
    def sign(page, staff_name: str, pii: bool = False) -> None:
        page.goto(f"{stack.console}/signin")
        page.get_by_label(staff_name, exact=False).check()
        if pii:
            page.get_by_label("可查看完整证件号").check()
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{stack.console}/")
    return sign


STREET_ADMIN = "吴主任"  # the street's admin: the reports service lets a street admin (not an officer) review


@pytest.fixture(scope="module")
def street_admin(stack: Stack) -> str:
    """An admin of the whole street: several communities (so the picker), and the one who reviews 一表通."""
    with stack.api("registry") as registry:
        registry.post(f"/v1/orgs/{STREET}/staff", json={"name": STREET_ADMIN, "role": "admin"}).raise_for_status()
    return STREET_ADMIN

