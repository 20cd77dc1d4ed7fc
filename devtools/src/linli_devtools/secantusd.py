"""SecantusDB's daemon (`secantusd-py`) with its TTL sweep at an interval we choose.

SecantusDB expires the documents of a TTL index by decoding every document of the collection while
it holds its storage lock, every 60 s; MongoDB's TTL monitor walks the index instead. Our outboxes
keep sent events for days (the durable log ops re-publish from), so at a district's size the sweep
froze a service's store for seconds every minute (`bench/store_ttl_sweep.py` measures it). The
daemon's config has `[storage] ttl_sweep_seconds`, but SecantusDB 0.7.0b3 does not pass it on to the
server; this launcher does, and leaves everything else to the daemon.

Run: python -m linli_devtools.secantusd --ttl-sweep-seconds 3600 [secantusd-py's own flags]
"""
from __future__ import annotations

import argparse
import functools
import sys

from secantus import cli
from secantus.server import SecantusDBServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--ttl-sweep-seconds", type=float, required=True)
    ours, daemons = parser.parse_known_args(argv)
    cli.SecantusDBServer = functools.partial(SecantusDBServer, ttl_sweep_seconds=ours.ttl_sweep_seconds)
    return cli.main(daemons)


if __name__ == "__main__":
    sys.exit(main())
