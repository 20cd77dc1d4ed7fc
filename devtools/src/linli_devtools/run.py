"""`linli-dev`: run the whole system locally (NATS + SecantusDB + every service), mint dev tokens, export schemas."""
from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from linli_devtools import nats_auth
from linli_devtools.processes import PidFiles, wait_ready
from linli_devtools.servers import MongoServer, NatsServer
from linli_shared.auth import issue_token
from linli_shared.settings import DEV_JWT_SECRET

# service -> (module with main(), default port); a service runs once its package is installed.
SERVICES = {"registry": ("linli_registry.main", 8001), "visits": ("linli_visits.main", 8002),
            "employment": ("linli_employment.main", 8003), "notify": ("linli_notify.main", 8004),
            "reports": ("linli_reports.main", 8005)}
# The browser front end: no store and no bus of its own; it starts once the APIs it calls answer.
CONSOLE = ("linli_console.main", 8006)
DEFAULT_SCOPE = "130303"  # the demo district, 海港区


def data_dir() -> Path:
    return Path(os.environ.get("LINLI_DATA_DIR", ".linli-data")).resolve()


def dev_token(scope: list[str], roles: list[str], pii: bool, hours: int = 12) -> str:
    secret = os.environ.get("LINLI_JWT_SECRET", DEV_JWT_SECRET)
    return issue_token(secret, "dev-admin", roles, scope, ["pii:read"] if pii else [], ttl_seconds=hours * 3600)


def installed_services() -> dict[str, tuple[str, int]]:
    return {name: spec for name, spec in SERVICES.items() if importlib.util.find_spec(spec[0].split(".")[0])}


def _service_env(name: str, port: int, nats: NatsServer, mongo: MongoServer) -> dict[str, str]:
    env = {**os.environ, "LINLI_NATS_URL": nats.url, "LINLI_MONGO_URL": mongo.url, **nats_auth.service_env(name)}
    env.setdefault(f"LINLI_{name.upper()}_PORT", str(port))
    env.setdefault("LINLI_ENVIRONMENT", "development")
    return env


def _console_port(args: argparse.Namespace) -> int | None:
    """The console's port when it is installed and asked for (every run, unless --services leaves it out)."""
    if not importlib.util.find_spec("linli_console") or (args.services and "console" not in args.services):
        return None
    return _service_port("console", CONSOLE[1])


def _console_env(port: int, urls: dict[str, str]) -> dict[str, str]:
    env = {**os.environ, **{f"LINLI_CONSOLE_{name.upper()}_URL": url for name, url in urls.items()}}
    env.setdefault("LINLI_CONSOLE_PORT", str(port))
    env.setdefault("LINLI_ENVIRONMENT", "development")
    return env


def _service_port(name: str, default: int) -> int:
    return int(os.environ.get(f"LINLI_{name.upper()}_PORT", default))


def busy_ports(ports: dict[str, int]) -> dict[str, int]:
    """What this run could not listen on. Checked first: a health check would otherwise reach whatever
    already answers there (a second `make run`) and report a system that is not ours as running."""
    return {name: port for name, port in ports.items() if not _can_listen(port)}


def _can_listen(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers do: a closed run's port is free
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _interrupt(*_: object) -> None:
    """The first Ctrl-C or SIGTERM stops the run; later ones (make forwards SIGTERM to its child, so one kill of
    the group is two; people press Ctrl-C twice) must not cut the clean-up short and leave servers running."""
    _hold_signals()
    raise KeyboardInterrupt


def _hold_signals() -> None:
    signal.signal(signal.SIGINT, _still_stopping)
    signal.signal(signal.SIGTERM, _still_stopping)


def _still_stopping(*_: object) -> None:
    print("still stopping: the services, then SecantusDB and NATS", file=sys.stderr, flush=True)


def _servers(root: Path, services: list[str]) -> tuple[NatsServer, dict[str, MongoServer]]:
    # The deployment's own users and permissions: a service publishing outside its subjects fails here too.
    nats = NatsServer(root / "nats", port=int(os.environ.get("LINLI_NATS_PORT", 4222)), config=nats_auth.NATS_CONFIG,
                      config_env=nats_auth.server_env())
    return nats, {name: _store(root, name) for name in services}


def _store(root: Path, service: str) -> MongoServer:
    """A SecantusDB process of the service's own, as production gives each service its database: one interpreter
    serves one store's commands in turn, so a shared one made the registry's reads wait behind every consumer's
    catch-up after an import (bench/stack_import.py). The registry keeps the folder and port all five shared."""
    order = list(SERVICES).index(service)
    store = MongoServer(root / ("secantus" if order == 0 else f"secantus-{service}"),
                        port=int(os.environ.get("LINLI_MONGO_PORT", 27018)) + order)
    store.name = f"secantusdb-{service}"
    return store


def _adopt_shared_store(root: Path, stores: dict[str, MongoServer]) -> None:
    """A folder from before stores were per service holds every service's database: a service without a store of
    its own yet starts from a copy of it (made while nothing runs), so its projections and durables still agree."""
    shared = root / "secantus"
    for store in stores.values():
        if shared.exists() and not store.data_dir.exists():
            shutil.copytree(shared, store.data_dir)


def _refuse_busy_ports(root: Path, ports: dict[str, int]) -> bool:
    if not (busy := busy_ports(ports)):
        return False
    taken = ", ".join(f"{name} {port}" for name, port in busy.items())
    print(f"cannot start: port already in use ({taken}), not by a run of this data folder ({root}): another "
          f"Linli with another LINLI_DATA_DIR, or another program (`ss -ltnp 'sport = :{next(iter(busy.values()))}'` "
          "names it). Stop it, or set LINLI_NATS_PORT, LINLI_MONGO_PORT or LINLI_<SERVICE>_PORT to a free port.",
          file=sys.stderr)
    return True


def run(args: argparse.Namespace) -> int:
    root = data_dir()
    services = {name: (module, _service_port(name, port)) for name, (module, port) in installed_services().items()
                if not args.services or name in args.services}
    nats, stores = _servers(root, list(services))
    console_port = _console_port(args)
    pids = PidFiles(root / "pids")
    if stopped := pids.stop_leftovers():
        print(f"stopped what an earlier run of {root} left running: {', '.join(stopped)}", file=sys.stderr)
    if _refuse_busy_ports(root, {"NATS": nats.port, **{f"SecantusDB of {n}": s.port for n, s in stores.items()},
                                 **{n: p for n, (_, p) in services.items()},
                                 **({"console": console_port} if console_port else {})}):
        return 1
    procs: dict[str, subprocess.Popen] = {}
    previous = {signum: signal.signal(signum, _interrupt) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        return _serve(args, root, nats, stores, services, procs, pids, console_port)
    except KeyboardInterrupt:
        return 0
    finally:
        _hold_signals()  # also when a service exited or start-up failed: nothing may interrupt the clean-up
        _stop(procs)
        for name in procs:
            pids.forget(name)
        for store in stores.values():
            _stop_server(store, pids)
        _stop_server(nats, pids)
        print(f"stopped; data kept in {root}", file=sys.stderr)
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _serve(args: argparse.Namespace, root: Path, nats: NatsServer, stores: dict[str, MongoServer],
           services: dict[str, tuple[str, int]], procs: dict[str, subprocess.Popen], pids: PidFiles,
           console_port: int | None = None) -> int:
    _adopt_shared_store(root, stores)
    for server in (nats, *stores.values()):
        _start_server(server, pids)
    urls = {}
    for name, (module, port) in services.items():
        procs[name] = subprocess.Popen([sys.executable, "-m", module],
                                       env=_service_env(name, port, nats, stores[name]))
        pids.record(name, procs[name].pid)
        urls[name] = f"http://127.0.0.1:{port}"
    for name, url in urls.items():
        wait_ready(url, procs[name], name)
    token = dev_token([args.scope], ["admin"], pii=True)
    if args.demo and "registry" in urls:
        from linli_devtools.demo import load_demo

        load_demo(urls, token)
    console = None
    if console_port:
        procs["console"] = subprocess.Popen([sys.executable, "-m", CONSOLE[0]], env=_console_env(console_port, urls))
        pids.record("console", procs["console"].pid)
        console = f"http://127.0.0.1:{console_port}/"
        wait_ready(console.rstrip("/"), procs["console"], "console")
    _print_banner(root, nats, stores, urls, token, console)
    while all(p.poll() is None for p in procs.values()):
        time.sleep(0.5)
    print("a service exited; stopping everything", file=sys.stderr)
    return 1


def _start_server(server: NatsServer | MongoServer, pids: PidFiles) -> None:
    try:
        server.start(timeout=60)
    finally:  # recorded even when it never listened: the next run stops it
        if server.proc:
            pids.record(server.name, server.proc.pid)


def _stop_server(server: NatsServer | MongoServer, pids: PidFiles) -> None:
    try:
        server.stop()
    except Exception as exc:  # noqa: BLE001 - the other server must still be stopped; its pid file stays
        print(f"could not stop {server.name}: {exc!r}; the next run stops it", file=sys.stderr)
        return
    pids.forget(server.name)


def _stop(procs: dict[str, subprocess.Popen]) -> None:
    for proc in procs.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs.values():
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _print_banner(root: Path, nats: NatsServer, stores: dict[str, MongoServer], urls: dict[str, str],
                  token: str, console: str | None = None) -> None:
    lines = ["", "Linli is running (Ctrl-C stops everything; data stays for next time)",
             f"  data folder   {root}", f"  NATS          {nats.url}"]
    lines += [f"  {name:<13} {url}   (API docs: {url}/docs; its SecantusDB {stores[name].url})"
              for name, url in urls.items()]
    if console:
        lines += [f"  console       {console}   (open it in a browser; sign in as any staff member)"]
    lines += ["", "Dev admin token (district 130303, pii:read, 12 h):", token, "",
              f"  curl -H 'Authorization: Bearer <token>' {urls.get('registry', '')}/v1/orgs/130303/statistics", ""]
    print("\n".join(lines), file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="linli-dev", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run_cmd = sub.add_parser("run", help="start NATS, SecantusDB and every installed service")
    run_cmd.add_argument("--demo", action="store_true", help="load a small demo community (idempotent)")
    run_cmd.add_argument("--scope", default=DEFAULT_SCOPE, help="org code the printed dev token covers")
    run_cmd.add_argument("--services", nargs="+", choices=sorted([*SERVICES, "console"]), metavar="SERVICE",
                         help="run only these services (default: every installed one)")
    token_cmd = sub.add_parser("token", help="print a dev token")
    token_cmd.add_argument("--scope", nargs="+", default=[DEFAULT_SCOPE])
    token_cmd.add_argument("--roles", nargs="+", default=["admin"])
    token_cmd.add_argument("--pii", action="store_true", help="add pii:read")
    sub.add_parser("schemas", help="write the JSON Schema of every event type under docs/events/")
    args = parser.parse_args(argv)
    if args.command == "run":
        return run(args)
    if args.command == "token":
        print(dev_token(args.scope, args.roles, args.pii))
        return 0
    from linli_devtools.schemas import export_all

    for path in export_all():
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
