"""docs/operations.md's procedures, run as written where they can run here.

- Streams: `linli-streams backup` as the `ops` user of deploy/nats/nats.conf, the store lost, `linli-streams restore`
  into a new one: the same messages (subjects, data, message ids) under the same stream config.
- MongoDB: SecantusDB has no mongodump, so the guide's commands are checked as text (every service database, `-T`);
  they run on the official image under Docker.
- Logs: the guide's jq recipe over a real service's JSON lines mixed with NATS's plain-text ones.
"""
from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import nats
import pytest

from linli_devtools import nats_auth
from linli_devtools.paths import REPO_ROOT
from linli_devtools.processes import service_process
from linli_devtools.run import SERVICES
from linli_devtools.servers import NatsServer
from linli_shared.bus import dead_letter_stream, service_stream

GUIDE = REPO_ROOT / "docs" / "operations.md"
STREAMS_CLI = Path(sys.executable).parent / "linli-streams"
local_only = pytest.mark.skipif(os.environ.get("LINLI_TEST_BACKEND") == "docker", reason="starts its own NATS")


def _section(title: str) -> str:
    return GUIDE.read_text(encoding="utf-8").split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def _nats(tmp_path: Path, name: str) -> NatsServer:
    return NatsServer(tmp_path / name, config=nats_auth.NATS_CONFIG, config_env=nats_auth.server_env()).start()


def _streams(server: NatsServer, *args: str, stdin: Path | None = None, stdout: Path | None = None,
             password: dict[str, str] | None = None):
    """`linli-streams ...` as the ops user, as the guide runs it inside a service container."""
    env = {**os.environ, "LINLI_NATS_URL": server.url,
           **(password or {"LINLI_NATS_OPS_PASSWORD": nats_auth.dev_password(nats_auth.OPS)})}
    with open(stdin or os.devnull, "rb") as source, open(stdout or os.devnull, "wb") as sink:
        return subprocess.run([str(STREAMS_CLI), *args], stdin=source, stdout=sink, stderr=subprocess.PIPE,
                              env=env, text=False, timeout=30)


async def _publish_as_registry(server: NatsServer) -> None:
    """Three events and two dead letters, one of them deleted (a gap in the sequence), as the service writes them."""
    nc = await nats.connect(server.url, **nats_auth.connect_options("registry"))
    js = nc.jetstream()
    await js.add_stream(service_stream("registry").config())
    await js.add_stream(dead_letter_stream("registry").config())
    for n in range(3):
        await js.publish(f"linli.registry.resident.registered.v1.13030300100{n}", f'{{"n": {n}}}'.encode(),
                         headers={"Nats-Msg-Id": f"event-{n}", "Content-Type": "application/cloudevents+json"})
    for n in range(3):
        await js.publish("linli.deadletter.registry.visits-registry-v1", f"letter {n}".encode(),
                         headers={"Nats-Msg-Id": f"letter-{n}"})
    await js.delete_msg("DEADLETTER_REGISTRY", 2)
    await nc.close()


async def _contents(server: NatsServer, stream: str) -> tuple[list[tuple], dict]:
    nc = await nats.connect(server.url, **nats_auth.connect_options(nats_auth.OPS))
    js = nc.jetstream()
    info = await js.stream_info(stream)
    messages = []
    for seq in range(info.state.first_seq, info.state.last_seq + 1):
        try:
            raw = await js.get_msg(stream, seq)
        except nats.js.errors.NotFoundError:
            continue
        messages.append((raw.subject, raw.data, raw.headers["Nats-Msg-Id"]))
    await nc.close()
    config = info.config.as_dict()
    return messages, {key: config[key] for key in ("subjects", "storage", "retention", "duplicate_window")}


@local_only
def test_a_stream_backed_up_as_ops_comes_back_whole_into_a_new_store(tmp_path: Path) -> None:
    original = _nats(tmp_path, "nats")
    try:
        asyncio.run(_publish_as_registry(original))
        for stream in ("REGISTRY", "DEADLETTER_REGISTRY"):
            backed_up = _streams(original, "backup", stream, stdout=tmp_path / f"{stream}.jsonl")
            assert backed_up.returncode == 0, backed_up.stderr
        before = {stream: asyncio.run(_contents(original, stream)) for stream in ("REGISTRY", "DEADLETTER_REGISTRY")}
        doubled = _streams(original, "restore", stdin=tmp_path / "REGISTRY.jsonl")
    finally:
        original.stop()
    assert doubled.returncode == 1 and b"already holds 3 messages" in doubled.stderr

    replacement = _nats(tmp_path, "nats-new")  # the volume is gone: a store without the streams
    try:
        for stream in ("REGISTRY", "DEADLETTER_REGISTRY"):
            restored = _streams(replacement, "restore", stdin=tmp_path / f"{stream}.jsonl")
            assert restored.returncode == 0, restored.stderr
        after = {stream: asyncio.run(_contents(replacement, stream)) for stream in ("REGISTRY", "DEADLETTER_REGISTRY")}
    finally:
        replacement.stop()

    assert after == before
    assert [msg_id for *_, msg_id in after["DEADLETTER_REGISTRY"][0]] == ["letter-0", "letter-2"]


@local_only
def test_a_stream_backup_names_a_missing_stream_and_a_restore_refuses_what_is_not_a_backup(tmp_path: Path) -> None:
    server = _nats(tmp_path, "nats")
    (tmp_path / "junk.jsonl").write_text('{"seq": 1}\n')
    (tmp_path / "ops_password").write_text(nats_auth.dev_password(nats_auth.OPS) + "\n")  # a compose secret
    try:
        missing = _streams(server, "backup", "REGISTRY",
                           password={"LINLI_NATS_OPS_PASSWORD_FILE": str(tmp_path / "ops_password")})
        junk = _streams(server, "restore", stdin=tmp_path / "junk.jsonl")
    finally:
        server.stop()
    assert missing.returncode == 1 and b"stream REGISTRY not found" in missing.stderr
    assert junk.returncode == 1 and b"not a linli-streams backup" in junk.stderr


def test_the_guide_backs_up_every_service_database_and_stream_with_commands_that_work() -> None:
    guide = _section("Backup and restore")
    databases = re.search(r"for db in ([\w ]+); do\n +docker compose -f \S+ exec -T [^\n]* mongo sh -c \\\n"
                          r" +'mongodump ", guide)
    streams = re.search(r"for stream in ([\w \\\n]+); do\n +docker compose -f \S+ exec -T -e LINLI_NATS_OPS_PASSWORD=",
                        guide)
    assert databases and streams, "the backup loops (with -T) are not in the guide"
    assert set(databases.group(1).split()) == {f"linli_{service}" for service in SERVICES}
    assert set(streams.group(1).replace("\\", " ").split()) == {
        name for service in SERVICES for name in (service_stream(service).name, dead_letter_stream(service).name)}
    assert "linli-streams restore" in guide and "'mongorestore " in guide
    assert "nats stream backup" not in guide  # no image ships the nats CLI, and no user may run it


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed (apt-get install jq)")
def test_the_guide_s_jq_recipe_follows_one_trace_through_logs_mixed_with_nats_lines(
        tmp_path: Path, nats_url: str, mongo_url: str, db_name: str, make_token) -> None:
    trace = uuid.uuid4().hex
    log = tmp_path / "registry.log"
    with service_process("registry", nats_url, mongo_url, db_name, log) as url:
        response = httpx.put(f"{url}/v1/orgs/130303", json={"name": "海港区"}, timeout=10, headers={
            "Authorization": f"Bearer {make_token(scope=['130303'])}", "traceparent": f"00-{trace}-{'1' * 16}-01"})
        assert response.status_code == 200
    nats_lines = "[1] 2026/12/06 06:38:27.123456 [INF] Server is ready\n[1] 2026/12/06 06:38:28.5 [WRN] slow consumer\n"
    (tmp_path / "compose.log").write_text(nats_lines + log.read_text(encoding="utf-8") + nats_lines, encoding="utf-8")

    found = _run_recipe(tmp_path / "compose.log", trace)

    assert found.returncode == 0, found.stderr
    events = [line for line in found.stdout.splitlines() if line]
    assert all(f'"trace_id":"{trace}"' in line for line in events)
    assert any('"event":"http.request"' in line for line in events)
    assert any('"event":"outbox.published"' in line for line in events)


def _run_recipe(logs: Path, trace: str) -> subprocess.CompletedProcess:
    """The guide's `... logs --no-log-prefix | jq ...`, with the compose log read from a file."""
    recipe = re.search(r"logs --no-log-prefix \| (jq .+)", _section("Follow one request")).group(1)
    command = recipe.replace("<trace id>", trace)
    with open(logs, "rb") as source:
        return subprocess.run(command, shell=True, stdin=source, capture_output=True, text=True, timeout=30)


@local_only
async def test_the_ops_user_cannot_delete_or_change_a_stream_nor_read_through_a_consumer(tmp_path: Path) -> None:
    server = _nats(tmp_path, "nats")
    violations: list[str] = []

    async def on_error(exc: Exception) -> None:
        violations.append(str(exc).lower())
    try:
        await _publish_as_registry(server)
        nc = await nats.connect(server.url, error_cb=on_error, **nats_auth.connect_options(nats_auth.OPS))
        js = nc.jetstream(timeout=0.5)
        for attempt in (js.delete_stream("REGISTRY"), js.update_stream(service_stream("registry").config()),
                        js.purge_stream("REGISTRY"), js.add_consumer("REGISTRY", durable_name="ops-reader")):
            with pytest.raises(nats.errors.TimeoutError):
                await attempt
        assert (await js.stream_info("REGISTRY")).state.messages == 3
        await nc.close()
    finally:
        server.stop()
    assert {subject for subject in ("$js.api.stream.delete.registry", "$js.api.stream.update.registry",
                                    "$js.api.stream.purge.registry", "$js.api.consumer.")
            if not any(subject in violation for violation in violations)} == set()
