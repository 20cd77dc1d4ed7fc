"""Consumer lag for /metrics, read from JetStream: the stream's own count, the same whichever replica asks.

One replica at a time reports it, under a lease, so replicas never expose two different values (a sum over
them is not doubled) and one that lost the lease drops what it last saw. When the whole service is down no
replica reports at all: NATS's own exporter (prometheus-nats-exporter -jsz=consumers, see the operations
guide's Prometheus section) is the source that outlives us; these gauges are the view from our side.
"""
from __future__ import annotations

from typing import Any, Sequence

from linli_shared.lease import Lease
from linli_shared.metrics import CONSUMER_ACK_PENDING, CONSUMER_PENDING

Durable = tuple[str, str]  # (stream, durable consumer name)


async def report_consumer_lag(js: Any, lease: Lease, service: str, durables: Sequence[Durable]) -> bool:
    """Set the lag gauges from each consumer's info if we hold `lease`; True when this replica reported."""
    if not await lease.acquire():
        _forget(service, durables)
        return False
    for stream, durable in durables:
        try:
            info = await js.consumer_info(stream, durable, timeout=2)
        except Exception:  # the stream may not exist yet (its producer starts later): next round
            continue
        CONSUMER_PENDING.labels(service, durable, stream).set(info.num_pending or 0)
        CONSUMER_ACK_PENDING.labels(service, durable, stream).set(info.num_ack_pending or 0)
    return True


def _forget(service: str, durables: Sequence[Durable]) -> None:
    """Another replica reports now: a number we keep exposing would go stale and disagree with theirs."""
    for stream, durable in durables:
        CONSUMER_PENDING.remove(service, durable, stream)
        CONSUMER_ACK_PENDING.remove(service, durable, stream)
