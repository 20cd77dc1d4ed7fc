"""A Linli service as its own process, as `make run` starts it: for tests that read real logs, and benches."""
from __future__ import annotations

import os
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
