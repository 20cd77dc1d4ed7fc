"""One-to-one pairings (一助一): at most one active pairing per elder."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from linli_shared.outbox import Tx

from linli_visits.domain.pairings import PairingFields
from linli_visits.storage.indexes import PAIRINGS
from linli_visits.storage.stored import Stored


class Pairing(Stored, PairingFields):
    created_by: str
    created_at: datetime
    ended_at: datetime | None = None

    @property
    def assignee(self) -> str:
        """How the volunteer appears as the assignee of the elder's routine tasks."""
        return volunteer(self.volunteer_id)


def volunteer(volunteer_id: str) -> str:
    return f"volunteer:{volunteer_id}"


async def elder_is_paired(tx: Tx, elder_id: str) -> bool:
    return await tx.db[PAIRINGS].find_one({"elder_id": elder_id, "active": True}, session=tx.session) is not None


async def add(tx: Tx, pairing: Pairing) -> None:
    await tx.db[PAIRINGS].insert_one(pairing.document(), session=tx.session)


async def get(db: Any, pairing_id: str) -> Pairing | None:
    doc = await db[PAIRINGS].find_one({"_id": pairing_id})
    return None if doc is None else Pairing.model_validate(doc)


async def end(tx: Tx, pairing_id: str, now: datetime) -> None:
    await tx.db[PAIRINGS].update_one({"_id": pairing_id}, {"$set": {"active": False, "ended_at": now}},
                                     session=tx.session)


async def volunteers_of(tx: Tx, elder_ids: list[str]) -> dict[str, str]:
    """The volunteer who carries each paired elder's routine visits, as their assignee."""
    found = await tx.db[PAIRINGS].find({"elder_id": {"$in": elder_ids}, "active": True}, session=tx.session).to_list()
    return {p["elder_id"]: volunteer(p["volunteer_id"]) for p in found}


async def volunteers_in(db: Any, community: str) -> dict[str, str]:
    """`volunteers_of` every paired elder of a community."""
    found = await db[PAIRINGS].find({"community_code": community, "active": True}).to_list()
    return {p["elder_id"]: volunteer(p["volunteer_id"]) for p in found}
