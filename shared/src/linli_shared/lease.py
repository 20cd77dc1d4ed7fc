"""A lease in MongoDB, so two replicas never run the same singleton loop (relay, timers) at once."""
from __future__ import annotations

import os
import socket
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.errors import DuplicateKeyError

LEASES = "leases"


def instance_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


class Lease:
    def __init__(self, db: Any, name: str, owner: str, ttl_seconds: float = 15.0) -> None:
        self.collection = db[LEASES]
        self.name, self.owner, self.ttl = name, owner, timedelta(seconds=ttl_seconds)

    async def acquire(self) -> bool:
        """Take or renew the lease; False while another owner holds an unexpired one."""
        now = datetime.now(UTC)
        try:
            await self.collection.update_one(
                {"_id": self.name, "$or": [{"owner": self.owner}, {"expires_at": {"$lt": now}}]},
                {"$set": {"owner": self.owner, "expires_at": now + self.ttl}}, upsert=True)
        except DuplicateKeyError:
            return False
        return True

    async def release(self) -> None:
        await self.collection.delete_one({"_id": self.name, "owner": self.owner})
