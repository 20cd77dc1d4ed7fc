"""The README's subscriber snippet and docs/examples/subscribe.py run as written, as the deployment's `reader`
user, against a real NATS server running deploy/nats/nats.conf (and nats-tls.conf, production's), on real events."""
from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from asgi_lifespan import LifespanManager

from linli_devtools import nats_auth, tls
from linli_devtools.asgi import client
from linli_devtools.orgs import COMMUNITY, OTHER_COMMUNITY, put_org_tree
from linli_devtools.paths import REPO_ROOT
from linli_devtools.people import born_years_ago, id_number
from linli_devtools.servers import NatsServer
from linli_shared.bus import Bus, service_stream
from linli_shared.events import CloudEvent
from linli_shared.settings import ServiceSettings

from linli_registry.bootstrap import create_app
from linli_registry.settings import RegistrySettings

pytestmark = pytest.mark.skipif(os.environ.get("LINLI_TEST_BACKEND") == "docker", reason="starts its own NATS")
NATS_TLS_CONFIG = REPO_ROOT / "deploy" / "nats" / "nats-tls.conf"
SECTION = "## Subscribing to our events from another system"


def readme_snippet() -> str:
    """The first Python block of the README's section for outside subscribers, character for character."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index(SECTION):]
    section = section[:section.index("\n## ", len(SECTION))]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


class Deployment:
    """NATS as production or `make run` runs it, and what an outside subscriber is told to connect with."""

    def __init__(self, server: NatsServer, url: str, ca_file: Path | None) -> None:
        self.server, self.url, self.ca_file = server, url, ca_file

    def settings(self, service: str) -> dict:
        return {"nats_url": self.url, "nats_tls_ca_file": self.ca_file, "nats_user": service,
                "nats_password": nats_auth.dev_password(service)}

    def subscriber_env(self) -> dict[str, str]:
        """Only the variables the README's snippet documents."""
        env = {**os.environ, "NATS_URL": self.url, "NATS_PASSWORD": nats_auth.dev_password("reader")}
        return env | ({"NATS_CA_FILE": str(self.ca_file)} if self.ca_file else {})


@pytest.fixture(params=["local", "production-tls"])
def deployment(request, tmp_path: Path):
    env = nats_auth.server_env()
    if request.param == "local":
        server = NatsServer(tmp_path / "nats", config=nats_auth.NATS_CONFIG, config_env=env).start()
        yield Deployment(server, server.url, None)
    else:
        certificate = tls.issue(tmp_path / "certs")
        server = NatsServer(tmp_path / "nats", config=NATS_TLS_CONFIG, config_env=env | certificate.nats_env()).start()
        yield Deployment(server, f"tls://127.0.0.1:{server.port}", certificate.ca_file)
    server.stop()


async def _register(registry, community: str, name: str, seq: int) -> str:
    household = await registry.post(f"/v1/communities/{community}/households", json={"address": {"estate": "工农里"}})
    assert household.status_code == 201, household.text
    resident = await registry.post(f"/v1/communities/{community}/residents", json={
        "name": name, "id_number": id_number(born_years_ago(45, date.today()), seq=seq),
        "household_id": household.json()["id"], "employment_status": "unemployed"})
    assert resident.status_code == 201, resident.text
    return resident.json()["id"]


async def _lines_until(proc: asyncio.subprocess.Process, wanted: str, timeout: float = 30) -> list[str]:
    lines: list[str] = []
    async with asyncio.timeout(timeout):
        while wanted not in lines:
            line = await proc.stdout.readline()
            assert line, f"the snippet stopped: {(await proc.stderr.read()).decode()[-2000:]}"
            lines.append(line.decode().strip())
    return lines


async def test_the_readme_snippet_runs_as_written_as_the_reader_and_takes_one_community(
        deployment, tmp_path, mongo_url, db_name, make_token):
    settings = RegistrySettings(mongo_url=mongo_url, mongo_db=db_name, environment="test",
                                **deployment.settings("registry"))
    app = create_app(settings)
    async with LifespanManager(app, startup_timeout=60), client(app, make_token(scope=["130303"])) as registry:
        await put_org_tree(registry)
        elsewhere = await _register(registry, OTHER_COMMUNITY, "别处居民", 1)
        ours = await _register(registry, COMMUNITY, "本社区居民", 2)
        script = tmp_path / "subscriber.py"
        script.write_text(readme_snippet(), encoding="utf-8")
        proc = await asyncio.create_subprocess_exec(sys.executable, "-u", str(script), env=deployment.subscriber_env(),
                                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            lines = await _lines_until(proc, f"linli.registry.resident.registered.v1 {ours} 1")
        finally:
            proc.kill()
            await proc.wait()
    assert not any(elsewhere in line for line in lines)


def _event(community: str, n: int) -> CloudEvent:
    return CloudEvent(id=str(uuid.uuid4()), source="/linli/registry", type="linli.registry.resident.updated.v1",
                      subject=f"r{n}", time=datetime.now(UTC), data={}, community=community,
                      traceparent="00-" + "a" * 32 + "-" + "b" * 16 + "-01", aggregateversion=n)


async def test_the_example_subscriber_takes_one_community_from_the_start_as_the_reader(deployment):
    bus = await Bus.connect(ServiceSettings(service_name="registry", environment="test",
                                            **deployment.settings("registry")))
    try:
        await bus.ensure_stream(service_stream("registry"))
        for n, community in enumerate([COMMUNITY, OTHER_COMMUNITY, COMMUNITY], start=1):
            assert await bus.publish(_event(community, n))
    finally:
        await bus.nc.close()
    command = [sys.executable, str(REPO_ROOT / "docs" / "examples" / "subscribe.py"), "--url", deployment.url,
               "--user", "reader", "--subject", f"linli.registry.resident.*.v1.{COMMUNITY}", "--limit", "2"]
    command += ["--ca-file", str(deployment.ca_file)] if deployment.ca_file else []
    result = await asyncio.to_thread(subprocess.run, command, capture_output=True, text=True, timeout=60,
                                     env=deployment.subscriber_env())
    assert result.returncode == 0, result.stderr
    seen = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(e["subject"], e["community"]) for e in seen] == [("r1", COMMUNITY), ("r3", COMMUNITY)]
