"""Store commands counted by name and collection (PyMongo command monitoring), to print commands per operation.

In the bench's own process: `counter = CommandCounter()`, `AsyncMongoClient(url, event_listeners=[counter])`,
then `counter.snapshot()` before and after the work. In a service run as its own process (how every bench runs
them), `ServiceCommands` starts it with `store_commands_site/` on PYTHONPATH: its `sitecustomize` registers a
`CommandLog` with PyMongo before the service builds its client, and each command the service sends becomes one
line of a file the bench reads; no service code changes. A line is written when the command starts (a command
that fails still counts: it was a round trip). `ServiceCommands.cpu_seconds()` is that process's CPU time so far.

Counts include whatever else the process sent in the same window (the outbox relay's polls and marks, a lease
renewal, a gauge's count): the breakdown by collection shows which is which.
"""
from __future__ import annotations

import os
import tempfile
from collections import Counter
from pathlib import Path

from pymongo import monitoring

ENV = "LINLI_BENCH_STORE_COMMANDS"
SITE = Path(__file__).parent / "store_commands_site"

Key = tuple[str, str]  # (command name, collection or "-")


def command_key(event: monitoring.CommandStartedEvent) -> Key:
    target = event.command.get(event.command_name)
    if event.command_name == "getMore":
        target = event.command.get("collection")
    return event.command_name, target if isinstance(target, str) else "-"


class CommandCounter(monitoring.CommandListener):
    """Counts the commands of the clients it is attached to (`event_listeners=[counter]`)."""

    def __init__(self) -> None:
        self.counts: Counter[Key] = Counter()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.counts[command_key(event)] += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass

    def snapshot(self) -> Counter[Key]:
        return Counter(self.counts)


class CommandLog(monitoring.CommandListener):
    """One line per command, `name<TAB>collection`, appended unbuffered (one small write) to a file another
    process reads: what `store_commands_site/sitecustomize.py` registers in a service process."""

    def __init__(self, path: str) -> None:
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        Path(f"{path}.pid").write_text(str(os.getpid()))  # the bench reads this process's CPU time by it

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        name, collection = command_key(event)
        os.write(self._fd, f"{name}\t{collection}\n".encode())

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


class ServiceCommands:
    """The store commands of one service process: pass `env` as the process's extra environment, read
    `snapshot()` around the work. The log file lives in a temp folder removed by `close()`."""

    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="linli-bench-commands-")
        self.path = Path(self._dir.name) / "commands.log"
        self.path.touch()

    @property
    def env(self) -> dict[str, str]:
        pythonpath = os.pathsep.join(p for p in (str(SITE), os.environ.get("PYTHONPATH", "")) if p)
        return {ENV: str(self.path), "PYTHONPATH": pythonpath}

    def snapshot(self) -> Counter[Key]:
        counts: Counter[Key] = Counter()
        for line in self.path.read_text().splitlines():
            name, _, collection = line.partition("\t")
            counts[(name, collection)] += 1
        return counts

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the service process logging here has used so far: less disturbed by other
        work on the machine than wall time."""
        pid = int(Path(f"{self.path}.pid").read_text())
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def close(self) -> None:
        self._dir.cleanup()

    def __enter__(self) -> ServiceCommands:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def relay_commands(counts: Counter[Key]) -> Counter[Key]:
    """The outbox relay's part of a window: its reads and marks of the outbox (an operation's own outbox entry is
    an `insert`) and its lease. It runs on its own clock (polls), so it lands in whichever window is open."""
    return Counter({key: count for key, count in counts.items()
                    if key[1] == "leases" or (key[1] == "outbox" and key[0] != "insert")})


def per_operation(counts: Counter[Key], operations: int) -> float:
    return round(sum(counts.values()) / operations, 2) if operations else 0.0


def breakdown(counts: Counter[Key], operations: int, least: float = 0.01) -> str:
    """`find residents 1.00, insert outbox 1.00, ...`: commands per operation by name and collection, most first;
    those under `least` an operation (start-up's createIndexes over a long run) are summed as `other`."""
    parts, other = [], 0
    for (name, collection), count in counts.most_common():
        if count / operations >= least:
            parts.append(f"{name} {collection} {count / operations:.2f}")
        else:
            other += count
    if other:
        parts.append(f"other {other / operations:.2f}")
    return ", ".join(parts)
