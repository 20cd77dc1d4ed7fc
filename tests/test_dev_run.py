"""`linli-dev run` (what `make run` starts): a port already taken stops it before it starts anything."""
from __future__ import annotations

import socket
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
    monkeypatch.setenv("LINLI_MONGO_PORT", str(free_port()))
    for name in run.SERVICES:
        monkeypatch.setenv(f"LINLI_{name.upper()}_PORT", str(taken_port if name == "visits" else free_port()))

    assert run.main(["run"]) == 1

    assert f"port already in use (visits {taken_port})" in capsys.readouterr().err
    assert not (tmp_path / "data").exists()  # neither NATS nor the store was started
