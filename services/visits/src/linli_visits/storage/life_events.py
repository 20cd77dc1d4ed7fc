"""Life events parked until they become mandatory visits (五必访), maybe before we know the resident."""
from __future__ import annotations

from linli_shared.outbox import Tx

from linli_visits.storage.indexes import LIFE_EVENTS
from linli_visits.storage.stored import Day, Stored


class ParkedLifeEvent(Stored):
    resident_id: str
    community_code: str
    kind: str
    date: Day
    processed: bool


async def park(tx: Tx, event: ParkedLifeEvent) -> bool:
    """Keep a life event once; False if it was kept before."""
    if await tx.db[LIFE_EVENTS].find_one({"_id": event.id}, {"_id": 1}, session=tx.session):
        return False
    await tx.db[LIFE_EVENTS].insert_one(event.document(), session=tx.session)
    return True


async def parked_for(tx: Tx, resident_ids: list[str]) -> list[ParkedLifeEvent]:
    docs = await tx.db[LIFE_EVENTS].find({"resident_id": {"$in": resident_ids}, "processed": False},
                                         session=tx.session).to_list()
    return [ParkedLifeEvent.model_validate(doc) for doc in docs]


async def processed(tx: Tx, events: list[ParkedLifeEvent]) -> None:
    await tx.db[LIFE_EVENTS].update_many({"_id": {"$in": [e.id for e in events]}}, {"$set": {"processed": True}},
                                         session=tx.session)
