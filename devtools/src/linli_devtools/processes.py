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

from linli_devtools.servers import free_port


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
        _wait_ready(url, proc, service)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if log:
            log.close()


def _wait_ready(url: str, proc: subprocess.Popen, service: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{service} exited with {proc.returncode}")
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{service} was not ready within {timeout}s")
