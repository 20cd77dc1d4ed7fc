"""`linli-streams`: back up a JetStream stream to a file and restore it, as the `ops` NATS user.

Ships in every service image, so ops need no `nats` CLI. A backup is JSON lines: first the stream's
config, then one line per message (sequence, time, subject, headers, data in base64), read one by
one with the stream's message-get API, which needs no consumer and so no consumer rights.

    linli-streams backup REGISTRY > REGISTRY.jsonl
    linli-streams restore < REGISTRY.jsonl

A restore creates the stream with the saved config if it is missing and republishes every message
with its subject, headers and `Nats-Msg-Id`, in order. It refuses a stream that already holds
messages (they would be doubled). The restored messages get new sequence numbers and times, and the
stream's consumers are not restored: services create theirs again at start and read from the
beginning, their inboxes skip what they already handled. docs/operations.md says what ops do.

Connects to LINLI_NATS_URL (trusting LINLI_NATS_TLS_CA_FILE, as the services do) as --user (default `ops`)
with the password in LINLI_NATS_OPS_PASSWORD or the file LINLI_NATS_OPS_PASSWORD_FILE names.
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, TextIO

import nats
from nats.js import JetStreamContext
from nats.js.api import StreamConfig
from nats.js.errors import NotFoundError
from pydantic_settings import SettingsError

from linli_shared.bus import inbox_prefix, nats_servers, tls_context
from linli_shared.settings import read_setting_file

FORMAT = "linli-stream-backup/1"
# Headers JetStream checks on publish: stale expectations from the original write would refuse the restore.
_EXPECTATIONS = "Nats-Expected-"


class Refused(Exception):
    """The backup or restore cannot be done as asked; the message says why."""


async def backup(js: JetStreamContext, stream: str, out: TextIO) -> int:
    """Write the stream's config and every message it holds to `out`; return the number of messages."""
    try:
        info = await js.stream_info(stream)
    except NotFoundError:
        raise Refused(f"stream {stream} not found (the names are REGISTRY, DEADLETTER_REGISTRY, ...)") from None
    out.write(json.dumps({"format": FORMAT, "stream": stream, "config": info.config.as_dict()}) + "\n")
    count = 0
    async for message in _messages(js, stream, info.state.first_seq, info.state.last_seq):
        out.write(json.dumps(message, ensure_ascii=False) + "\n")
        count += 1
    return count


async def _messages(js: JetStreamContext, stream: str, first: int, last: int) -> AsyncIterator[dict[str, Any]]:
    """Every message from `first` to `last` in order, skipping deleted sequences (next-by-subject `>`)."""
    seq = max(first, 1)
    while last and seq <= last:
        try:
            raw = await js.get_msg(stream, seq=seq, subject=">", next=True)
        except NotFoundError:
            return
        if raw.seq > last:  # written after the backup started: the next backup has it
            return
        yield {"seq": raw.seq, "time": raw.time.isoformat() if raw.time else None, "subject": raw.subject,
               "headers": raw.headers or {}, "data": base64.b64encode(raw.data or b"").decode()}
        seq = raw.seq + 1


async def restore(js: JetStreamContext, source: TextIO) -> tuple[str, int]:
    """Create the backed-up stream if missing and republish its messages in order; return (stream, count)."""
    header = _header(source.readline())
    stream = header["stream"]
    await _ready_stream(js, stream, header["config"])
    count = 0
    for line in source:
        message = json.loads(line)
        headers = {k: v for k, v in message["headers"].items() if not k.startswith(_EXPECTATIONS)}
        await js.publish(message["subject"], base64.b64decode(message["data"]), stream=stream, headers=headers or None)
        count += 1
    return stream, count


def _header(line: str) -> dict[str, Any]:
    try:
        header = json.loads(line)
    except json.JSONDecodeError:
        header = {}
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise Refused(f"not a linli-streams backup: the first line must be a {FORMAT} header")
    return header


async def _ready_stream(js: JetStreamContext, stream: str, config: dict[str, Any]) -> None:
    try:
        info = await js.stream_info(stream)
    except NotFoundError:
        await js.add_stream(StreamConfig.from_response(dict(config)))
        return
    if info.state.messages:
        raise Refused(f"stream {stream} already holds {info.state.messages} messages; restoring would "
                             "double them. Restore into a missing or empty stream.")


async def _connect(args: argparse.Namespace) -> nats.NATS:
    ca_file = os.environ.get("LINLI_NATS_TLS_CA_FILE")  # as the services trust NATS's certificate
    return await nats.connect(nats_servers(args.url), user=args.user, password=_password(args.user),
                              inbox_prefix=inbox_prefix(args.user), tls=tls_context(Path(ca_file) if ca_file else None),
                              name="linli-streams", connect_timeout=5, max_reconnect_attempts=3)


def _password(user: str) -> str | None:
    """LINLI_NATS_<USER>_PASSWORD, or the file its _FILE names (compose secrets), like every secret setting."""
    variable = f"LINLI_NATS_{user.upper()}_PASSWORD"
    return read_setting_file(variable) if f"{variable}_FILE" in os.environ else os.environ.get(variable)


async def _run(args: argparse.Namespace) -> str:
    nc = await _connect(args)
    try:
        js = nc.jetstream(timeout=args.timeout)
        if args.command == "backup":
            count = await backup(js, args.stream, sys.stdout)
            return f"backed up {count} messages of {args.stream}"
        stream, count = await restore(js, sys.stdin)
        return f"restored {count} messages into {stream} (new sequence numbers; consumers start over)"
    finally:
        await nc.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="linli-streams", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get("LINLI_NATS_URL", "nats://127.0.0.1:4222"))
    parser.add_argument("--user", default="ops", help="NATS user; its password is read from LINLI_NATS_<USER>_PASSWORD")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for each JetStream answer")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("backup", help="write a stream to stdout").add_argument("stream", help="e.g. REGISTRY")
    sub.add_parser("restore", help="read a backup from stdin into its stream")
    args = parser.parse_args(argv)
    try:
        print(asyncio.run(_run(args)), file=sys.stderr)
    except (Refused, SettingsError) as exc:
        print(f"linli-streams: {exc}", file=sys.stderr)
        return 1
    except (nats.errors.TimeoutError, nats.errors.NoServersError) as exc:
        print(f"linli-streams: no answer from NATS at {args.url} as {args.user} ({exc!r}): is the server up, and is "
              f"LINLI_NATS_{args.user.upper()}_PASSWORD that user's password?", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
