"""`linli-dev run` (what `make run` starts): a port already taken stops it before it starts anything; signals
during its clean-up never leave a server running; and it stops what an earlier, killed run left behind."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from linli_devtools import run
from linli_devtools.servers import free_port


@pytest.fixture
def taken_port():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def test_busy_ports_names_only_the_taken_ones(taken_port: int) -> None:
    free = free_port()

    assert run.busy_ports({"registry": taken_port, "visits": free}) == {"registry": taken_port}


def test_a_second_run_names_the_taken_port_and_starts_nothing(taken_port: int, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("LINLI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LINLI_NATS_PORT", str(free_port()))
    monkeypatch.setenv("LINLI_MONGO_PORT", str(_free_ports(len(run.SERVICES))))  # each service's store, in a row
    for name in run.SERVICES:
        monkeypatch.setenv(f"LINLI_{name.upper()}_PORT", str(taken_port if name == "visits" else free_port()))

    assert run.main(["run"]) == 1

    assert f"port already in use (visits {taken_port})" in capsys.readouterr().err
    assert not (tmp_path / "data").exists()  # neither NATS nor the store was started


def _free_ports(count: int) -> int:
    """The first of `count` consecutive free ports."""
    while True:
        port = free_port()
        if not run.busy_ports({str(n): port + n for n in range(count)}):
            return port


def _runner(tmp_path: Path, stderr: Path) -> subprocess.Popen:
    """`linli-dev run` with the registry only, on free ports, in its own process group (as make starts it)."""
    env = {**os.environ, "LINLI_DATA_DIR": str(tmp_path / "data"), "LINLI_NATS_PORT": str(free_port()),
           "LINLI_MONGO_PORT": str(free_port()), "LINLI_REGISTRY_PORT": str(free_port()), "LINLI_LOG_LEVEL": "WARNING"}
    with open(stderr, "ab") as sink:
        return subprocess.Popen([str(Path(sys.executable).parent / "linli-dev"), "run", "--services", "registry"],
                                env=env, stdout=subprocess.DEVNULL, stderr=sink, start_new_session=True)


def _until_running(proc: subprocess.Popen, stderr: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while "Linli is running" not in stderr.read_text(errors="replace"):
        assert proc.poll() is None and time.monotonic() < deadline, stderr.read_text(errors="replace")
        time.sleep(0.2)


def _ours_alive(folder: Path) -> list[str]:
    """Every process whose command line names this test's data folder (NATS's store, SecantusDB's files)."""
    alive = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            command = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if str(folder) in command and (cmdline.parent / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
            alive.append(command)
    return alive


needs_proc = pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="finds leftover servers through /proc")


@needs_proc
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_two_signals_in_a_row_still_stop_every_server_without_a_traceback(tmp_path: Path, signum: int) -> None:
    stderr = tmp_path / "stderr.txt"
    proc = _runner(tmp_path, stderr)
    try:
        _until_running(proc, stderr)
        os.killpg(proc.pid, signum)  # the whole group, as make's child and the terminal get it
        time.sleep(0.3)
        os.killpg(proc.pid, signum)  # again, while the run is stopping
        returncode = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)

    output = stderr.read_text(errors="replace")
    assert returncode == 0 and "Traceback" not in output, output
    assert "stopped; data kept in" in output
    assert _ours_alive(tmp_path / "data") == []


@needs_proc
def test_a_run_stops_the_servers_a_killed_run_of_the_same_folder_left_running(tmp_path: Path) -> None:
    killed = _runner(tmp_path, tmp_path / "killed.txt")
    _until_running(killed, tmp_path / "killed.txt")
    os.killpg(killed.pid, signal.SIGKILL)  # the runner and the registry; NATS and SecantusDB have their own sessions
    killed.wait()
    assert len(_ours_alive(tmp_path / "data")) == 2

    stderr = tmp_path / "stderr.txt"
    second = _runner(tmp_path, stderr)
    try:
        _until_running(second, stderr)
        os.killpg(second.pid, signal.SIGTERM)
        assert second.wait(timeout=60) == 0
    finally:
        if second.poll() is None:
            os.killpg(second.pid, signal.SIGKILL)

    output = stderr.read_text(errors="replace")
    assert "stopped what an earlier run of" in output and "nats" in output and "secantusdb" in output
    assert _ours_alive(tmp_path / "data") == []


def test_each_service_gets_a_store_of_its_own_and_starts_from_the_shared_one_it_had(tmp_path: Path,
                                                                                    monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("LINLI_MONGO_PORT", "30000")
    _, stores = run._servers(tmp_path, ["registry", "visits", "reports"])
    ports = {name: store.port for name, store in stores.items()}
    assert ports == {"registry": 30000, "visits": 30001, "reports": 30004}
    assert stores["registry"].data_dir == tmp_path / "secantus"  # where the one shared store kept everything
    (tmp_path / "secantus" / "db").mkdir(parents=True)
    (tmp_path / "secantus" / "db" / "collection.wt").write_text("every service's data")
    (tmp_path / "secantus-reports" / "db").mkdir(parents=True)  # reports already has a store of its own

    run._adopt_shared_store(tmp_path, stores)

    assert (tmp_path / "secantus-visits" / "db" / "collection.wt").read_text() == "every service's data"
    assert not (tmp_path / "secantus-reports" / "db" / "collection.wt").exists()
