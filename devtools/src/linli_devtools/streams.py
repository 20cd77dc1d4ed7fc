"""Read a JetStream subject as an outside subscriber would: a plain nats-py ordered consumer."""
from __future__ import annotations

import asyncio

import nats
from nats.aio.msg import Msg


async def read_stream(nats_url: str, expected: int, subject: str = "linli.registry.>",
                      timeout: float = 15.0) -> list[Msg]:
    """A plain nats-py subscriber, as an outside team would write it."""
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    sub = await js.subscribe(subject, ordered_consumer=True)
    messages = []
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while len(messages) < expected and asyncio.get_running_loop().time() < deadline:
            try:
                messages.append(await sub.next_msg(timeout=0.5))
            except nats.errors.TimeoutError:
                pass
        try:  # and nothing beyond what we expected
            messages.append(await sub.next_msg(timeout=0.5))
        except nats.errors.TimeoutError:
            pass
    finally:
        await nc.close()
    return messages


async def caught_up(nats_url: str, stream: str, durable: str) -> bool:
    """True once a durable consumer has nothing pending and nothing unacknowledged."""
    nc = await nats.connect(nats_url)
    try:
        info = await nc.jetstream().consumer_info(stream, durable)
    finally:
        await nc.close()
    return info.num_pending == 0 and info.num_ack_pending == 0


async def stream_messages(nats_url: str, stream: str) -> int:
    """How many messages a stream holds (e.g. REGISTRY: every event the registry has published)."""
    nc = await nats.connect(nats_url)
    try:
        return (await nc.jetstream().stream_info(stream)).state.messages
    finally:
        await nc.close()
