"""NATS behind TLS (deploy/nats/nats-tls.conf, production's config): a client that trusts our CA connects as its
user, a service connects through its settings, and a plaintext client or one trusting another CA is refused."""
from __future__ import annotations

import asyncio
import json
import ssl
import uuid
from datetime import UTC, datetime
from pathlib import Path

import nats
import pytest
import yaml

from linli_devtools import nats_auth, tls
from linli_devtools.paths import REPO_ROOT
from linli_devtools.servers import NatsServer
from linli_shared.bus import Bus, service_stream
from linli_shared.events import CloudEvent
from linli_shared.settings import ServiceSettings

NATS_TLS_CONFIG = REPO_ROOT / "deploy" / "nats" / "nats-tls.conf"


@pytest.fixture
def certificate(tmp_path: Path) -> tls.ServerCertificate:
    return tls.issue(tmp_path / "certs")


@pytest.fixture
def tls_nats(tmp_path: Path, certificate: tls.ServerCertificate):
    server = NatsServer(tmp_path / "nats", config=NATS_TLS_CONFIG,
                        config_env={**nats_auth.server_env(), **certificate.nats_env()}).start()
    yield server
    server.stop()


def _tls_url(server: NatsServer) -> str:
    return f"tls://127.0.0.1:{server.port}"


def _event() -> CloudEvent:
    return CloudEvent(id=str(uuid.uuid4()), source="/linli/registry", type="linli.registry.resident.updated.v1",
                      subject="r1", time=datetime.now(UTC), data={}, community="130303001001",
                      traceparent="00-" + "a" * 32 + "-" + "b" * 16 + "-01", aggregateversion=1)


async def test_a_service_connects_over_tls_trusting_the_ca_its_settings_name(tls_nats, certificate):
    settings = ServiceSettings(service_name="registry", environment="test", nats_url=_tls_url(tls_nats),
                               nats_tls_ca_file=certificate.ca_file, nats_user="registry",
                               nats_password=nats_auth.dev_password("registry"))
    bus = await Bus.connect(settings)
    try:
        await bus.ensure_stream(service_stream("registry"))
        assert await bus.publish(_event())
        assert bus.nc.connected_url.scheme == "tls" and bus.nc._server_info["tls_required"]
    finally:
        await bus.nc.close()


async def test_an_outside_subscriber_trusting_the_ca_reads_as_the_reader(tls_nats, certificate):
    context = ssl.create_default_context(cafile=str(certificate.ca_file))
    nc = await nats.connect(_tls_url(tls_nats), tls=context, **nats_auth.connect_options("reader"))
    try:
        assert (await nc.jetstream().account_info()).streams == 0
    finally:
        await nc.close()


async def test_a_client_trusting_another_ca_is_refused(tls_nats, tmp_path):
    stranger = tls.issue(tmp_path / "stranger", ca_name="Someone else's CA")
    context = ssl.create_default_context(cafile=str(stranger.ca_file))
    with pytest.raises(ssl.SSLCertVerificationError):
        await nats.connect(_tls_url(tls_nats), tls=context, allow_reconnect=False, connect_timeout=2,
                           **nats_auth.connect_options("reader"))


async def test_a_plaintext_client_is_refused(tls_nats):
    reader, writer = await asyncio.open_connection("127.0.0.1", tls_nats.port)
    try:
        info = json.loads((await asyncio.wait_for(reader.readline(), 2)).removeprefix(b"INFO "))
        assert info["tls_required"] is True
        options = nats_auth.connect_options("reader")
        connect = {"user": "reader", "pass": options["password"], "verbose": False, "pedantic": False}
        writer.write(f"CONNECT {json.dumps(connect)}\r\nPING\r\n".encode())
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), 5)  # the server hangs up: no PONG, no +OK
        assert b"PONG" not in answer and b"+OK" not in answer
    finally:
        writer.close()


def test_compose_publishes_the_client_port_behind_tls_and_services_trust_the_ca():
    compose = yaml.safe_load((REPO_ROOT / "deploy" / "compose.yaml").read_text(encoding="utf-8"))
    nats_service = compose["services"]["nats"]
    assert nats_service["command"][:2] == ["-c", "/etc/nats/nats-tls.conf"]
    assert any(str(port).endswith(":4222") for port in nats_service["ports"])
    secrets = {secret["source"] if isinstance(secret, dict) else secret for secret in nats_service["secrets"]}
    assert {"nats_tls_cert", "nats_tls_key"} <= secrets
    assert nats_service["environment"]["LINLI_NATS_TLS_CERT_FILE"] == "/run/secrets/nats_tls_cert"
    assert nats_service["environment"]["LINLI_NATS_TLS_KEY_FILE"] == "/run/secrets/nats_tls_key"
    for name in ("registry", "visits", "employment", "notify", "reports"):
        service = compose["services"][name]
        assert service["environment"]["LINLI_NATS_URL"].startswith("tls://nats:4222"), name
        assert service["environment"]["LINLI_NATS_TLS_CA_FILE"] == "/run/secrets/nats_tls_ca", name
        assert "nats_tls_ca" in service["secrets"], name
