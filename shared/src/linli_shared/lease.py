"""A lease in MongoDB, so two replicas never run the same singleton loop (relay, timers) at once."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.errors import DuplicateKeyError

from linli_shared.logging import this_replica

LEASES = "leases"


def instance_id() -> str:
    return f"{this_replica()}-{uuid.uuid4().hex[:6]}"  # starts with the `instance` of this replica's log lines


class Lease:
    def __init__(self, db: Any, name: str, owner: str, ttl_seconds: float = 15.0) -> None:
        self.collection = db[LEASES]
        self.name, self.owner, self.ttl = name, owner, timedelta(seconds=ttl_seconds)
        self._renewed_at: datetime | None = None  # when we last wrote our hold on it

    async def acquire(self) -> bool:
        """Take or renew the lease; False while another owner holds an unexpired one.

        A hold renewed less than a quarter of the TTL ago is trusted without a write: the relay
        asks several times a second, and every renewal is a store write. No one else can take the
        lease before it expires, and we stop trusting it long before then.
        """
        now = datetime.now(UTC)
        if self._renewed_at and now - self._renewed_at < self.ttl / 4:
            return True
        self._renewed_at = None
        try:
            await self.collection.update_one(
                {"_id": self.name, "$or": [{"owner": self.owner}, {"expires_at": {"$lt": now}}]},
                {"$set": {"owner": self.owner, "expires_at": now + self.ttl}}, upsert=True)
        except DuplicateKeyError:
            return False
        self._renewed_at = now
        return True

    async def release(self) -> None:
        self._renewed_at = None
        await self.collection.delete_one({"_id": self.name, "owner": self.owner})
