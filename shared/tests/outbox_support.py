"""What the outbox tests share: a thing that happens, written through a unit of work, and what reached the bus."""
from __future__ import annotations

import json
from typing import ClassVar

from linli_shared.bus import Bus
from linli_shared.events import EventData
from linli_shared.lease import Lease
from linli_shared.outbox import Outbox, OutboxRelay, UnitOfWork

SERVICE = "source"  # what the wire fixture's SOURCE stream carries
COMMUNITY = "130303001001"


class ThingNoted(EventData):
    TYPE: ClassVar[str] = "linli.source.thing.noted.v1"
    n: int
    note: str = ""


async def written(wire, outbox: Outbox, things: list[tuple[int, str]], bulk: bool = False) -> None:
    """One event per (n, aggregate), in this order, in one transaction (`bulk`: as an import's batch)."""
    async def work(tx) -> None:
        for n, aggregate in things:
            tx.emit(ThingNoted(n=n), subject=aggregate, community=COMMUNITY, aggregate_version=n)
    await UnitOfWork(wire.uow.client, wire.db, SERVICE, outbox).run(work, bulk=bulk)


async def entry_of(outbox: Outbox, n: int) -> dict:
    return await outbox.collection.find_one({"envelope": {"$regex": f'"n":{n},'}})


async def published_numbers(wire) -> list[int]:
    """The `n` of every event in the stream, in stream order."""
    info = await wire.bus.js.stream_info("SOURCE")
    if not info.state.messages:
        return []
    return [json.loads((await wire.bus.js.get_msg("SOURCE", seq)).data)["data"]["n"]
            for seq in range(info.state.first_seq, info.state.last_seq + 1)]


def relay_for(wire, outbox: Outbox, bus: Bus | None = None, **options) -> OutboxRelay:
    return OutboxRelay(outbox, bus or wire.bus, Lease(wire.db, "relay-test", "me"), SERVICE, count_every=0, **options)
