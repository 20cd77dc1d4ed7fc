"""A Linli service as its own process, as `make run` starts it: for tests that read real logs, and benches;
and the pid files by which `make run` recognises the servers an earlier, killed run left behind."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import httpx

from linli_devtools.servers import ServerProcess, free_port


@contextmanager
def service_process(service: str, nats_url: str, mongo_url: str, db: str | None = None,
                    log_path: Path | None = None, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """Start `linli-<service>`, wait for /readyz, yield its base URL; stop it with SIGTERM afterwards."""
    port = free_port()
    prefix = f"LINLI_{service.upper()}"
    env = {**os.environ, "LINLI_NATS_URL": nats_url, "LINLI_MONGO_URL": mongo_url, f"{prefix}_PORT": str(port),
           f"{prefix}_MONGO_DB": db or f"linli_{service}_{port}", "LINLI_OUTBOX_POLL_SECONDS": "0.2",
           **(extra_env or {})}
    log = open(log_path, "wb") if log_path else None
    proc = subprocess.Popen([sys.executable, "-m", f"linli_{service}.main"], env=env, stdout=log or None,
                            stderr=subprocess.STDOUT if log else None)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, proc, service)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if log:
            log.close()


def wait_ready(url: str, proc: subprocess.Popen, service: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{service} exited with {proc.returncode}; see its log lines above")
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{service} was not ready within {timeout}s")


class ServiceProcess(ServerProcess):
    """A service on a fixed port that can be killed (-9) and started again with the same data: fault tests."""

    def __init__(self, service: str, data_dir: Path, nats_url: str, mongo_url: str, db: str,
                 port: int | None = None) -> None:
        self.name = service
        super().__init__(data_dir, port)
        self.service, self.nats_url, self.mongo_url, self.db = service, nats_url, mongo_url, db

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        return [sys.executable, "-m", f"linli_{self.service}.main"]

    def env(self) -> dict[str, str]:
        prefix = f"LINLI_{self.service.upper()}"
        return {**os.environ, "LINLI_NATS_URL": self.nats_url, "LINLI_MONGO_URL": self.mongo_url,
                f"{prefix}_PORT": str(self.port), f"{prefix}_MONGO_DB": self.db, "LINLI_OUTBOX_POLL_SECONDS": "0.2",
                "LINLI_LOG_LEVEL": "WARNING"}

    def start(self, timeout: float = 60.0) -> ServiceProcess:
        super().start(timeout)  # uvicorn listens only after the service's start-up has finished
        return self


class PidFiles:
    """The processes one run started, recorded under its data folder, so the next run can stop what a killed run
    left behind: only a process whose start time and command line are still the recorded ones (a pid the system
    has since given to another program is left alone)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def record(self, name: str, pid: int) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / f"{name}.pid").write_text(json.dumps({"pid": pid, "identity": process_identity(pid)}))

    def forget(self, name: str) -> None:
        (self.folder / f"{name}.pid").unlink(missing_ok=True)

    def stop_leftovers(self, timeout: float = 15.0) -> list[str]:
        """Stop every recorded process still running as itself; return their names. Stale records go."""
        stopped = []
        for path in sorted(self.folder.glob("*.pid")) if self.folder.is_dir() else []:
            if _stop_if_ours(path, timeout):
                stopped.append(path.stem)
            path.unlink(missing_ok=True)
        return stopped


def _stop_if_ours(path: Path, timeout: float) -> bool:
    try:
        recorded = json.loads(path.read_text())
        pid, identity = int(recorded["pid"]), recorded["identity"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    if identity is None or process_identity(pid) != identity:
        return False
    _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while process_identity(pid) == identity:
        if time.monotonic() > deadline:
            _signal(pid, signal.SIGKILL)
            deadline = float("inf")
        time.sleep(0.1)
    return True


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:  # gone on its own meanwhile
        pass


def process_identity(pid: int) -> str | None:
    """A running process's start time and command line (None once it is gone): a recycled pid has others."""
    proc = Path(f"/proc/{pid}")
    if Path("/proc/self").is_dir():
        try:
            stat, cmdline = (proc / "stat").read_text(), (proc / "cmdline").read_bytes()
        except OSError:
            return None
        fields = stat.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
        if fields[0] == "Z":  # exited, not yet reaped by its parent
            return None
        command = cmdline.replace(b"\0", b" ").decode(errors="replace").strip()
        return f"{fields[19]} {command}"
    found = subprocess.run(["ps", "-o", "lstart=,command=", "-p", str(pid)], capture_output=True, text=True)
    return found.stdout.strip() or None
